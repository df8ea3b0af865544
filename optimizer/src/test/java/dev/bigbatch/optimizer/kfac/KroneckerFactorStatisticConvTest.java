package dev.bigbatch.optimizer.kfac;

import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.stats.LocalShard;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ConvolutionUtils;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Arrays;
import java.util.List;

import static dev.bigbatch.optimizer.kfac.KroneckerFactorStatisticDenseTest.addOuter;
import static dev.bigbatch.optimizer.kfac.KroneckerFactorStatisticDenseTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Convolution blocks (KFC) against a plain-Java convolution written here, and against DL4J's own weight gradient for
 * padding, stride, dilation, {@code Same} mode, NHWC and batch norm, and patch by patch against DL4J's im2col.
 */
class KroneckerFactorStatisticConvTest {
    private static final int N = 4;
    private static final int C = 2, H = 6, W = 7, OUT = 3, KH = 3, KW = 2, SH = 2, SW = 1, PH = 1, PW = 1, DH = 1, DW = 2;
    private static final int OH = 3, OW = 7;

    /** Σ over examples and positions of g āᵀ is DL4J's [∇W | ∇b], for every geometry and a residual graph. */
    @Test
    void perExampleOuterProductsSumToDl4jWeightGradient() {
        DataSet nchw = TinyNets.data(5, N, 3, C, H, W);
        DataSet nhwc = TinyNets.data(5, N, 3, H, W, C);
        List<Object[]> cases = List.of(
                new Object[]{TinyNets.conv(1), nchw, 2},
                new Object[]{TinyNets.convNet(2, ConvolutionMode.Same, CNN2DFormat.NCHW, false), nchw, 2},
                new Object[]{TinyNets.convNet(3, ConvolutionMode.Same, CNN2DFormat.NHWC, false), nhwc, 2},
                new Object[]{TinyNets.convNet(4, ConvolutionMode.Truncate, CNN2DFormat.NCHW, true), nchw, 2},
                new Object[]{TinyNets.convResidual(5), nchw, 3});
        for (Object[] c : cases) {
            Model net = (Model) c[0];
            List<CurvatureBlocks.Bound> blocks = CurvatureBlocks.bind(net);
            assertEquals(c[2], blocks.size(), "conv and output blocks; batch norm has none");
            try (LayerRecorders rec = LayerRecorders.install(blocks)) {
                INDArray flat = LocalShard.compute(net, (DataSet) c[1]).gradientSum().reshape(-1);
                for (CurvatureBlocks.Bound b : blocks) {
                    INDArray a = BlockRows.input(b.block(), rec.input(b));
                    INDArray g = BlockRows.gradient(b.block(), rec.preActivationGradient(b));
                    INDArray dl4j = KroneckerFactors.create(b.block().id(), ParameterLayout.of(net),
                            b.block().inputDim(), b.block().outputDim()).gradientMatrix(flat);
                    assertClose(dl4j, g.transpose().mmul(a), b.block().id() + " gradient, case " + cases.indexOf(c));
                }
            }
        }
    }

    /**
     * The patches equal DL4J's own im2col (as {@code ConvolutionLayer} calls it) bit for bit, in DOUBLE and FLOAT, for
     * Truncate and Same mode (asymmetric padding), stride, dilation, NHWC, and a 1×1 stride-2 projection (no padding).
     */
    @Test
    void patchesEqualDl4jIm2col() {
        for (DataType type : new DataType[]{DataType.DOUBLE, DataType.FLOAT}) {
            List<MultiLayerNetwork> nets = List.of(TinyNets.conv(1),
                    TinyNets.convNet(2, ConvolutionMode.Same, CNN2DFormat.NCHW, false, type),
                    TinyNets.convNet(3, ConvolutionMode.Same, CNN2DFormat.NHWC, false, type),
                    projection(type));
            for (MultiLayerNetwork net : nets) {
                org.deeplearning4j.nn.api.Layer layer = net.getLayer(0);
                ConvolutionLayer conf = (ConvolutionLayer) layer.conf().getLayer();
                boolean nhwc = conf.getCnn2dDataFormat() == CNN2DFormat.NHWC;
                INDArray x = Nd4j.rand(type, N, nhwc ? H : C, nhwc ? W : H, nhwc ? C : W).subi(0.5);
                ConvolutionBlock block = ConvolutionBlock.of("0", layer);
                INDArray rows = Nd4j.rand(type, N * block.positions(x), block.inputDim()); // garbage to overwrite
                block.inputRows(x, rows);
                INDArray expected = im2colRows(conf, nhwc ? x.permute(0, 3, 1, 2) : x);
                assertEquals(Arrays.toString(expected.shape()), Arrays.toString(rows.shape()));
                assertArrayEquals(expected.dup('c').data().asDouble(), rows.dup('c').data().asDouble(),
                        conf.getConvolutionMode() + " " + conf.getCnn2dDataFormat() + " "
                                + Arrays.toString(conf.getKernelSize()) + " " + type);
            }
        }
    }

    /** [2, 6, 7] → conv(4, 1×1, stride 2, no bias) → output: the shape of a ResNet projection shortcut. */
    private static MultiLayerNetwork projection(DataType type) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(4).dataType(type)
                .list()
                .layer(new ConvolutionLayer.Builder(1, 1).stride(2, 2).nOut(4).hasBias(false).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(H, W, C)).build());
        net.init();
        return net;
    }

    /** The rows as DL4J's ConvolutionLayer builds its patches: im2col, [n, oh, ow, c, kh, kw], plus a column of ones. */
    private static INDArray im2colRows(ConvolutionLayer conf, INDArray x) {
        int[] k = conf.getKernelSize();
        int[] s = conf.getStride();
        int[] d = conf.getDilation();
        boolean same = conf.getConvolutionMode() == ConvolutionMode.Same;
        int[] out = ConvolutionUtils.getOutputSize(x, k, s, same ? null : conf.getPadding(), conf.getConvolutionMode(),
                d, CNN2DFormat.NCHW);
        int[] pad = same ? ConvolutionUtils.getSameModeTopLeftPadding(out, new int[]{(int) x.size(2), (int) x.size(3)},
                k, s, d) : conf.getPadding();
        INDArray col = Nd4j.create(x.dataType(), x.size(0), out[0], out[1], x.size(1), k[0], k[1]);
        Convolution.im2col(x, k[0], k[1], s[0], s[1], pad[0], pad[1], d[0], d[1], same, col.permute(0, 3, 4, 5, 1, 2));
        INDArray rows = col.reshape('c', x.size(0) * out[0] * out[1], x.size(1) * k[0] * k[1]);
        return conf.hasBias() ? Nd4j.hstack(rows, Nd4j.ones(x.dataType(), rows.rows(), 1)) : rows;
    }

    /**
     * The same on a FLOAT network, where DL4J runs its convolutions through the MKL-DNN helper on CPU: the recorders
     * see the same input and delta. With the rows in FLOAT, as a FLOAT network's factors are built, the product is
     * DL4J's gradient bit for bit (observed difference 0; 9e-8 relative when the rows were built in DOUBLE); the
     * tolerance allows float rounding, should the helper sum in another order.
     */
    @Test
    void recordersWorkWithTheFloatHelperPath() {
        MultiLayerNetwork net = TinyNets.convNet(8, ConvolutionMode.Same, CNN2DFormat.NCHW, true,
                org.nd4j.linalg.api.buffer.DataType.FLOAT);
        DataSet data = TinyNets.data(9, N, 3, C, H, W);
        data.setFeatures(data.getFeatures().castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT));
        data.setLabels(data.getLabels().castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT));
        List<CurvatureBlocks.Bound> blocks = CurvatureBlocks.bind(net);
        try (LayerRecorders rec = LayerRecorders.install(blocks)) {
            INDArray flat = LocalShard.compute(net, data).gradientSum().reshape(-1);
            for (CurvatureBlocks.Bound b : blocks) {
                INDArray a = BlockRows.input(b.block(), rec.input(b));
                INDArray g = BlockRows.gradient(b.block(), rec.preActivationGradient(b));
                INDArray dl4j = KroneckerFactors.create(b.block().id(), ParameterLayout.of(net),
                        b.block().inputDim(), b.block().outputDim()).gradientMatrix(flat);
                assertClose(dl4j, g.transpose().mmul(a), b.block().id() + " gradient (FLOAT)", 1e-6);
            }
        }
    }

    /**
     * KFC factors by explicit loops: zero padding, stride, dilation, relu, flatten, softmax output. The output delta
     * here is p − y per example, unscaled, so this also confirms that DL4J's backward pass works with the loss summed
     * over the minibatch (its updater divides by the minibatch size later).
     */
    @Test
    void factorsEqualPlainJavaConvolution() {
        MultiLayerNetwork net = TinyNets.conv(6);
        DataSet data = TinyNets.data(7, N, 3, C, H, W);
        double[][][][] x = toArray4(data.getFeatures());
        INDArray kernel = net.getParam("0_W");
        INDArray bias = net.getParam("0_b");
        INDArray wOut = net.getParam("1_W");
        INDArray bOut = net.getParam("1_b");
        int in = C * KH * KW + 1;
        double[][] a = new double[in][in];
        double[][] g = new double[OUT][OUT];
        INDArray dl4jConvOut = net.feedForward(data.getFeatures(), true).get(1);
        for (int n = 0; n < N; n++) {
            double[][] patches = new double[OH * OW][in];
            double[][][] z = new double[OUT][OH][OW];
            for (int oh = 0; oh < OH; oh++) {
                for (int ow = 0; ow < OW; ow++) {
                    double[] p = patches[oh * OW + ow];
                    for (int c = 0; c < C; c++) {
                        for (int kh = 0; kh < KH; kh++) {
                            for (int kw = 0; kw < KW; kw++) {
                                int r = oh * SH - PH + kh * DH;
                                int s = ow * SW - PW + kw * DW;
                                p[(c * KH + kh) * KW + kw] = r >= 0 && r < H && s >= 0 && s < W ? x[n][c][r][s] : 0;
                            }
                        }
                    }
                    p[in - 1] = 1;
                    for (int o = 0; o < OUT; o++) {
                        double v = bias.getDouble(o);
                        for (int c = 0; c < C; c++) {
                            for (int kh = 0; kh < KH; kh++) {
                                for (int kw = 0; kw < KW; kw++) {
                                    v += kernel.getDouble(o, c, kh, kw) * p[(c * KH + kh) * KW + kw];
                                }
                            }
                        }
                        z[o][oh][ow] = v;
                        assertEquals(Math.max(0, v), dl4jConvOut.getDouble(n, o, oh, ow), 1e-12, "conv forward");
                    }
                    addOuter(a, p, 1);
                }
            }
            // Output layer on the c-order flattening [channel, row, column] of the relu activations.
            int flat = OUT * OH * OW;
            double[] logits = new double[3];
            for (int k = 0; k < 3; k++) {
                logits[k] = bOut.getDouble(k);
                for (int i = 0; i < flat; i++) {
                    logits[k] += wOut.getDouble(i, k) * Math.max(0, z[i / (OH * OW)][(i / OW) % OH][i % OW]);
                }
            }
            double max = Math.max(logits[0], Math.max(logits[1], logits[2]));
            double sum = 0;
            double[] prob = new double[3];
            for (int k = 0; k < 3; k++) {
                prob[k] = Math.exp(logits[k] - max);
                sum += prob[k];
            }
            for (int oh = 0; oh < OH; oh++) {
                for (int ow = 0; ow < OW; ow++) {
                    double[] delta = new double[OUT];
                    for (int o = 0; o < OUT; o++) {
                        int i = (o * OH + oh) * OW + ow;
                        for (int k = 0; k < 3; k++) {
                            delta[o] += (prob[k] / sum - data.getLabels().getDouble(n, k)) * wOut.getDouble(i, k);
                        }
                        delta[o] *= z[o][oh][ow] > 0 ? 1 : 0;
                    }
                    addOuter(g, delta, 1.0 / (OH * OW));
                }
            }
        }
        LocalShard shard = LocalShard.of(net, data, 0, N, 2, 0, 1);
        INDArray[] got = new KroneckerFactorStatistic(FisherType.EMPIRICAL).compute(shard)
                .sums(new BlockId(BlockKind.CONV2D, "0"));
        assertClose(Nd4j.create(a), got[0], "A = Σ over examples and positions of ā āᵀ");
        assertClose(Nd4j.create(g), got[1], "G = Σ over examples of (1/|T|) Σ over positions of g gᵀ");
    }

    private static double[][][][] toArray4(INDArray x) {
        double[][][][] out = new double[(int) x.size(0)][(int) x.size(1)][(int) x.size(2)][(int) x.size(3)];
        for (int n = 0; n < out.length; n++) {
            for (int c = 0; c < out[0].length; c++) {
                for (int r = 0; r < out[0][0].length; r++) {
                    for (int s = 0; s < out[0][0][0].length; s++) {
                        out[n][c][r][s] = x.getDouble(n, c, r, s);
                    }
                }
            }
        }
        return out;
    }
}
