package dev.bigbatch.optimizer.kfac;

import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.stats.LocalShard;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

import static dev.bigbatch.optimizer.kfac.KroneckerFactorNarrowTypeTest.assertWithinFloatRounding;
import static dev.bigbatch.optimizer.kfac.KroneckerFactorNarrowTypeTest.patch;
import static dev.bigbatch.optimizer.kfac.KroneckerFactorNarrowTypeTest.products;
import static dev.bigbatch.optimizer.kfac.KroneckerFactorStatisticDenseTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A HALF network end to end through {@link KroneckerFactorStatistic} (DL4J 1.0.0-M2.1 builds no BFLOAT16 network:
 * {@code NeuralNetConfiguration.Builder.dataType} accepts DOUBLE, FLOAT and HALF only). Every block's sums are FLOAT
 * and equal, up to FLOAT rounding, the DOUBLE sums of the values the layers used, whatever the type of the features:
 * DL4J's dense and convolution layers cast their input to the network's type before using it
 * ({@code this.input.castTo(dataType)} in {@code BaseLayer.preOutputWithPreNorm},
 * {@code ConvolutionLayer.preOutput} and {@code ConvolutionLayer.backpropGradient}), so the first layer used the
 * features rounded to HALF. The reference takes the layers' inputs from DL4J's {@code feedForward} and their
 * pre-activation gradients from a recorded pass; that these are the layer's own is checked against DL4J's HALF weight
 * gradient, Σ g āᵀ = [∇W | ∇b].
 */
class KroneckerFactorStatisticHalfTest {
    private static final int N = 4;
    private static final int GHOST = 2;
    /**
     * Relative Frobenius difference allowed between Σ g āᵀ in DOUBLE and DL4J's weight gradient, which DL4J sums and
     * stores in HALF (unit roundoff 2^-11 = 4.9e-4); chosen by observation: 1.8e-4 to 6.2e-4 over the blocks and
     * ghost batches here. It catches a wrong input or gradient (an O(1) difference), not a HALF rounding of the
     * input, which the factor sums' FLOAT bound catches.
     */
    private static final double HALF_GRADIENT_TOLERANCE = 2e-3;

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void halfDenseNetwork(DataType features) {
        check(TinyNets.dense(21, DataType.HALF), TinyNets.data(22, N, 3, 4), features);
    }

    @ParameterizedTest
    @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
    void halfConvolutionNetwork(DataType features) {
        check(TinyNets.convNet(23, ConvolutionMode.Truncate, CNN2DFormat.NCHW, false, DataType.HALF),
                TinyNets.data(24, N, 3, 2, 6, 7), features);
    }

    private static void check(MultiLayerNetwork net, DataSet data, DataType featureType) {
        DataSet typed = new DataSet(data.getFeatures().castTo(featureType), data.getLabels().castTo(featureType));
        LocalShard shard = LocalShard.of(net, typed, 0, N, GHOST, 0, 1);
        KroneckerFactorSums sums = new KroneckerFactorStatistic(FisherType.EMPIRICAL).compute(shard);
        List<CurvatureBlocks.Bound> blocks = CurvatureBlocks.bind(net);
        List<List<double[]>> inputRows = new ArrayList<>();
        List<List<double[]>> gradientRows = new ArrayList<>();
        for (int i = 0; i < blocks.size(); i++) {
            inputRows.add(new ArrayList<>());
            gradientRows.add(new ArrayList<>());
        }
        for (DataSet ghost : shard.ghostBatches()) {
            List<INDArray> activations = net.feedForward(ghost.getFeatures(), true);
            try (LayerRecorders rec = LayerRecorders.install(blocks)) {
                INDArray flat = LocalShard.compute(net, ghost).gradientSum().reshape(-1);
                assertEquals(DataType.HALF, flat.dataType(), "DL4J runs the network in HALF");
                for (int i = 0; i < blocks.size(); i++) {
                    CurvatureBlock block = blocks.get(i).block();
                    // Layer i's input as the layer used it: cast to HALF (a no-op after the first layer).
                    INDArray used = activations.get(i).castTo(DataType.HALF);
                    INDArray delta = rec.preActivationGradient(blocks.get(i));
                    assertEquals(DataType.HALF, delta.dataType(), block.id() + " pre-activation gradient");
                    List<double[]> a = rows(block, used);
                    List<double[]> g = gradientRows(delta);
                    inputRows.get(i).addAll(a);
                    gradientRows.get(i).addAll(g);
                    INDArray dl4j = KroneckerFactors.create(block.id(), ParameterLayout.of(net), block.inputDim(),
                            block.outputDim()).gradientMatrix(flat);
                    assertClose(dl4j, Nd4j.create(crossProducts(g, a)), block.id() + " Σ g āᵀ is DL4J's gradient",
                            HALF_GRADIENT_TOLERANCE);
                }
            }
        }
        for (int i = 0; i < blocks.size(); i++) {
            CurvatureBlock block = blocks.get(i).block();
            String what = block.id() + " with " + featureType + " features";
            INDArray[] got = sums.sums(block.id());
            assertEquals(DataType.FLOAT, got[0].dataType(), what + ": A is FLOAT");
            assertEquals(DataType.FLOAT, got[1].dataType(), what + ": G is FLOAT");
            List<double[]> a = inputRows.get(i);
            List<double[]> g = gradientRows.get(i);
            double positions = (double) a.size() / N; // |T|
            assertWithinFloatRounding(products(a, 1, false), products(a, 1, true), a.size(), got[0], what + " A");
            assertWithinFloatRounding(products(g, 1 / positions, false), products(g, 1 / positions, true), g.size(),
                    got[1], what + " G");
        }
    }

    /**
     * Rows ā of one ghost batch: a dense layer's input (a convolution's output flattened in c-order, as DL4J's
     * CnnToFeedForwardPreProcessor does) or a convolution's patches, with a trailing 1 for the bias.
     */
    private static List<double[]> rows(CurvatureBlock block, INDArray used) {
        long n = used.size(0);
        double[] x = used.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        List<double[]> out = new ArrayList<>();
        if (block instanceof ConvolutionBlock) {
            int oh = 3, ow = 7; // the output positions of TinyNets.convNet's convolution
            for (int e = 0; e < n; e++) {
                for (int r = 0; r < oh; r++) {
                    for (int c = 0; c < ow; c++) {
                        out.add(patch(x, e, r, c));
                    }
                }
            }
            return out;
        }
        int width = (int) (x.length / n);
        for (int e = 0; e < n; e++) {
            double[] a = new double[block.inputDim()];
            System.arraycopy(x, e * width, a, 0, width);
            if (block.inputDim() > width) {
                a[width] = 1;
            }
            out.add(a);
        }
        return out;
    }

    /** Rows g: per example, and for an NCHW gradient per position (row, column), the channels' values. */
    private static List<double[]> gradientRows(INDArray delta) {
        int n = (int) delta.size(0);
        int channels = (int) delta.size(1);
        int positions = (int) (delta.length() / (n * channels));
        double[] d = delta.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        List<double[]> out = new ArrayList<>();
        for (int e = 0; e < n; e++) {
            for (int t = 0; t < positions; t++) {
                double[] g = new double[channels];
                for (int c = 0; c < channels; c++) {
                    g[c] = d[(e * channels + c) * positions + t];
                }
                out.add(g);
            }
        }
        return out;
    }

    /** Σ g āᵀ over paired rows, [outputs, inputs]. */
    private static double[][] crossProducts(List<double[]> g, List<double[]> a) {
        double[][] m = new double[g.get(0).length][a.get(0).length];
        for (int r = 0; r < g.size(); r++) {
            for (int i = 0; i < m.length; i++) {
                for (int j = 0; j < m[0].length; j++) {
                    m[i][j] += g.get(r)[i] * a.get(r)[j];
                }
            }
        }
        return m;
    }
}
