package dev.bigbatch.optimizer.kfac;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Factor sums of layers whose activations are HALF or BFLOAT16 ({@link CurvatureBlock#rowType}): the rows and products
 * are formed in FLOAT, so the sums are FLOAT, equal bit for bit the sums of the same values cast to FLOAT first
 * (widening is exact), and equal the exact sums Σ ā āᵀ and (1/|T|) Σ g gᵀ up to FLOAT rounding, for a dense and a
 * convolution block, in one chunk and in one-example chunks.
 *
 * <p>The values are m·2^e with |m| below 2^p, p the type's significant bits (11 for HALF, 8 for BFLOAT16): every one
 * is exactly representable in the narrow type, so the plain-Java DOUBLE reference works from the very values the
 * narrow arrays hold (checked), not from ND4J's conversions.
 */
class KroneckerFactorNarrowTypeTest {
    private static final int N = 5;
    private static final int N_IN = 4, N_OUT = 3;
    /**
     * The convolution of {@link TinyNets#conv}: [2, 6, 7] → 3 channels, kernel 3×2, stride 2×1, padding 1×1,
     * dilation 1×2; output 3×7.
     */
    private static final int C = 2, H = 6, W = 7, KH = 3, KW = 2, SH = 2, SW = 1, PH = 1, PW = 1, DH = 1, DW = 2;
    private static final int OH = 3, OW = 7;
    /** FLOAT unit roundoff. */
    private static final double U_FLOAT = 0x1p-24;

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"HALF", "BFLOAT16"})
    void denseFactorsAreFloatSumsOfTheWidenedValues(DataType narrow) {
        Random r = new Random(41);
        double[] x = representable(r, N * N_IN, narrow);
        double[] d = representable(r, N * N_OUT, narrow);
        List<double[]> inputRows = new ArrayList<>();
        List<double[]> gradientRows = new ArrayList<>();
        for (int n = 0; n < N; n++) {
            double[] a = new double[N_IN + 1];
            System.arraycopy(x, n * N_IN, a, 0, N_IN);
            a[N_IN] = 1; // the bias column
            inputRows.add(a);
            double[] g = new double[N_OUT];
            System.arraycopy(d, n * N_OUT, g, 0, N_OUT);
            gradientRows.add(g);
        }
        check(new DenseBlock("0", N_IN, N_OUT, true), narrow(x, narrow, N, N_IN), narrow(d, narrow, N, N_OUT),
                inputRows, gradientRows, 1);
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"HALF", "BFLOAT16"})
    void convolutionFactorsAreFloatSumsOfTheWidenedValues(DataType narrow) {
        // The block only takes its geometry from the layer; the rows' type comes from the arrays it is given.
        ConvolutionBlock block = ConvolutionBlock.of("0",
                TinyNets.convNet(1, ConvolutionMode.Truncate, CNN2DFormat.NCHW, false, DataType.FLOAT).getLayer(0));
        Random r = new Random(43);
        double[] x = representable(r, N * C * H * W, narrow);
        double[] d = representable(r, N * N_OUT * OH * OW, narrow);
        List<double[]> inputRows = new ArrayList<>();
        List<double[]> gradientRows = new ArrayList<>();
        for (int n = 0; n < N; n++) {
            for (int oh = 0; oh < OH; oh++) {
                for (int ow = 0; ow < OW; ow++) {
                    inputRows.add(patch(x, n, oh, ow));
                    double[] g = new double[N_OUT];
                    for (int o = 0; o < N_OUT; o++) {
                        g[o] = d[((n * N_OUT + o) * OH + oh) * OW + ow];
                    }
                    gradientRows.add(g);
                }
            }
        }
        assertEquals(OH * OW, block.positions(narrow(x, narrow, N, C, H, W)));
        check(block, narrow(x, narrow, N, C, H, W), narrow(d, narrow, N, N_OUT, OH, OW), inputRows, gradientRows,
                OH * OW);
    }

    /**
     * ā of example n at output position (oh, ow): columns (channel, kh, kw) in the c-order of W [nOut, nIn, kH, kW],
     * zero outside the image, then 1 for the bias.
     */
    static double[] patch(double[] x, int n, int oh, int ow) {
        double[] p = new double[C * KH * KW + 1];
        for (int c = 0; c < C; c++) {
            for (int kh = 0; kh < KH; kh++) {
                for (int kw = 0; kw < KW; kw++) {
                    int row = oh * SH - PH + kh * DH;
                    int col = ow * SW - PW + kw * DW;
                    p[(c * KH + kh) * KW + kw] = row >= 0 && row < H && col >= 0 && col < W
                            ? x[((n * C + c) * H + row) * W + col] : 0;
                }
            }
        }
        p[p.length - 1] = 1;
        return p;
    }

    /**
     * The sums of {@code block} over the narrow arrays, whole and in one-example chunks, are FLOAT, the same bits as
     * the sums over the arrays cast to FLOAT, and the DOUBLE sums of the reference rows up to FLOAT rounding.
     */
    private static void check(CurvatureBlock block, INDArray input, INDArray delta, List<double[]> inputRows,
                              List<double[]> gradientRows, int positions) {
        KroneckerFactorSums whole = new KroneckerFactorSums();
        whole.add(block, input, delta);
        KroneckerFactorSums wholeFloat = new KroneckerFactorSums();
        wholeFloat.add(block, input.castTo(DataType.FLOAT), delta.castTo(DataType.FLOAT));
        KroneckerFactorSums chunked = new KroneckerFactorSums(1);
        chunked.add(block, input, delta);
        KroneckerFactorSums chunkedFloat = new KroneckerFactorSums(1);
        chunkedFloat.add(block, input.castTo(DataType.FLOAT), delta.castTo(DataType.FLOAT));
        double[][][] exact = {products(inputRows, 1, false), products(gradientRows, 1.0 / positions, false)};
        double[][][] magnitude = {products(inputRows, 1, true), products(gradientRows, 1.0 / positions, true)};
        assertTrue(exact[0][0][0] > 0 && exact[1][0][0] > 0, "the reference factors are not zero");
        List<org.junit.jupiter.api.function.Executable> checks = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            String factor = block.id() + " " + input.dataType() + (k == 0 ? " A" : " G");
            int kk = k;
            KroneckerFactorSums[][] pairs = {{whole, wholeFloat}, {chunked, chunkedFloat}};
            for (KroneckerFactorSums[] pair : pairs) {
                String what = factor + (pair[0] == whole ? "" : " (one-example chunks)");
                INDArray got = pair[0].sums(block.id())[k];
                INDArray fromFloat = pair[1].sums(block.id())[k];
                checks.add(() -> assertEquals(DataType.FLOAT, got.dataType(), what + ": sums are FLOAT"));
                checks.add(() -> assertArrayEquals(fromFloat.dup('c').data().asFloat(), got.dup('c').data().asFloat(),
                        what + ": the same bits as the sums of the values cast to FLOAT first"));
                checks.add(() -> assertWithinFloatRounding(exact[kk], magnitude[kk], inputRows.size(), got, what));
            }
        }
        assertAll(checks);
    }

    /**
     * |got − exact| ≤ (γ_{n+3} + γ_n(DOUBLE)) · Σ|v||v|ᵀ elementwise, γ_k = k·u / (1 − k·u): Higham's a priori bound
     * for a sum of n products in FLOAT in any order, with or without fused multiply-adds (Accuracy and Stability of
     * Numerical Algorithms, 2nd ed., §3.1 and (3.13)). Each product of two narrow values is exact in FLOAT (at most
     * 2·11 significant bits), so only the additions round; the +3 covers the rounding of α = 1/|T| to FLOAT, the
     * multiplication by it, and the addition into the accumulator; γ_n(DOUBLE) the reference's own rounding. For the
     * convolution (n = 105 rows) this allows 6.4e-6 of Σ|v||v|ᵀ: products rounded to HALF (2^-11 = 4.9e-4) or to
     * BFLOAT16 (2^-8) anywhere on the way would exceed it on the diagonal, where Σ|v||v|ᵀ is the entry itself.
     * Observed: at most 0.28 of the allowance (dense, 5 rows) and 0.04 (convolution).
     */
    static void assertWithinFloatRounding(double[][] exact, double[][] magnitude, int n, INDArray got,
                                                  String what) {
        double gamma = gamma(n + 3, U_FLOAT) + gamma(n, 0x1p-53);
        assertEquals(exact.length, got.rows(), what + " rows");
        for (int i = 0; i < exact.length; i++) {
            for (int j = 0; j < exact.length; j++) {
                double error = Math.abs(got.getDouble(i, j) - exact[i][j]);
                double allowed = gamma * magnitude[i][j];
                assertTrue(error <= allowed, what + " [" + i + ", " + j + "]: " + got.getDouble(i, j) + " vs exact "
                        + exact[i][j] + ", error " + error + " > " + allowed);
            }
        }
    }

    private static double gamma(int k, double u) {
        return k * u / (1 - k * u);
    }

    /** Σ scale · v vᵀ over the rows, or Σ scale · |v||v|ᵀ with {@code absolute}, in DOUBLE. */
    static double[][] products(List<double[]> rows, double scale, boolean absolute) {
        int dim = rows.get(0).length;
        double[][] m = new double[dim][dim];
        for (double[] v : rows) {
            for (int i = 0; i < dim; i++) {
                for (int j = 0; j < dim; j++) {
                    m[i][j] += scale * (absolute ? Math.abs(v[i] * v[j]) : v[i] * v[j]);
                }
            }
        }
        return m;
    }

    /**
     * {@code count} values m·2^e, exact in {@code type}: m uniform with |m| &lt; 2^p (p significant bits: 11 for HALF,
     * 8 for BFLOAT16, counting the implicit bit), e such that magnitudes are below 4, most between 2^-7 and
     * 2, with zeros and (for HALF) subnormals among them.
     */
    private static double[] representable(Random r, int count, DataType type) {
        int bits = switch (type) {
            case HALF -> 11;
            case BFLOAT16 -> 8;
            default -> throw new IllegalArgumentException(type.toString());
        };
        int largest = (1 << bits) - 1;
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = Math.scalb((double) (r.nextInt(2 * largest + 1) - largest), 2 - bits - r.nextInt(9));
        }
        return v;
    }

    /** {@code values} as a c-order array of {@code type} and {@code shape}, checked to hold exactly those values. */
    private static INDArray narrow(double[] values, DataType type, long... shape) {
        INDArray x = Nd4j.createFromArray(values).reshape('c', shape).castTo(type);
        assertEquals(type, x.dataType());
        assertArrayEquals(values, x.castTo(DataType.DOUBLE).dup('c').data().asDouble(), 0.0,
                "the test values are exact in " + type);
        return x;
    }
}
