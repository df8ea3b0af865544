package dev.bigbatch.optimizer.kfac;

import dev.bigbatch.optimizer.stats.LocalShard;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;
import java.util.Random;

import static dev.bigbatch.optimizer.kfac.KroneckerFactorStatisticDenseTest.addOuter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The numerical cost of forming the factors of a FLOAT network in FLOAT ({@link KroneckerFactorSums}, "Precision"):
 * the sums of a CIFAR-sized ghost batch (32 images of 3×32×32, normalized as the CIFAR decoder does; He-initialized
 * 3×3 convolutions, one with a bias) against DOUBLE products of the same rows, formed here by plain-Java im2col and
 * outer products from the recorded FLOAT values.
 */
class KroneckerFactorPrecisionTest {
    private static final int N = 32;
    private static final int SIDE = 32;
    private static final int CLASSES = 10;
    /**
     * Relative Frobenius error allowed against the DOUBLE reference, chosen by observation: 2.1e-7 (A) and 2.0e-7 (G)
     * for the first layer (32,768 rows of 28 columns), 8.5e-8 and 1.4e-7 for the second (8,192 rows of 72), whole or
     * in one-example chunks; rounding the DOUBLE reference itself to FLOAT, the least error any FLOAT result can have,
     * gives 1e-8 to 3e-8. Leaving out one of the 32 examples would change A by about 3e-2, one of its 32,768 rows
     * by about 3e-5.
     */
    private static final double TOLERANCE = 1e-6;

    @Test
    void floatFactorsMatchDoubleProductsOfTheSameRows() {
        MultiLayerNetwork net = floatConvNet();
        DataSet data = cifarLike(31);
        List<CurvatureBlocks.Bound> blocks = CurvatureBlocks.bind(net);
        KroneckerFactorSums whole = new KroneckerFactorSums();
        KroneckerFactorSums perExample = new KroneckerFactorSums(1);
        double[][][] reference = new double[4][][];
        try (LayerRecorders rec = LayerRecorders.install(blocks)) {
            LocalShard.compute(net, data);
            for (int layer = 0; layer < 2; layer++) {
                CurvatureBlocks.Bound b = blocks.get(layer);
                INDArray input = rec.input(b);
                INDArray delta = rec.preActivationGradient(b);
                assertEquals(DataType.FLOAT, input.dataType());
                whole.add(b.block(), input, delta);
                perExample.add(b.block(), input, delta);
                int stride = layer == 0 ? 1 : 2;
                reference[2 * layer] = patchProducts(input, stride, layer == 0);
                reference[2 * layer + 1] = gradientProducts(delta);
            }
        }
        for (int layer = 0; layer < 2; layer++) {
            BlockId id = blocks.get(layer).block().id();
            for (KroneckerFactorSums sums : new KroneckerFactorSums[]{whole, perExample}) {
                INDArray[] got = sums.sums(id);
                assertEquals(DataType.FLOAT, got[0].dataType(), "a FLOAT network's factors are formed in FLOAT");
                for (int k = 0; k < 2; k++) {
                    double error = relativeError(reference[2 * layer + k], got[k]);
                    assertTrue(error <= TOLERANCE, id + (k == 0 ? " A" : " G") + ": relative error " + error);
                }
            }
        }
    }

    /** 3×32×32 → conv(8, 3×3, pad 1, bias, relu) → conv(8, 3×3, stride 2, pad 1, no bias, relu) → softmax(10). */
    private static MultiLayerNetwork floatConvNet() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(30)
                .dataType(DataType.FLOAT).weightInit(WeightInit.RELU).list()
                .layer(new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(8).activation(Activation.RELU).build())
                .layer(new ConvolutionLayer.Builder(3, 3).stride(2, 2).padding(1, 1).nOut(8).hasBias(false)
                        .activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(CLASSES)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(SIDE, SIDE, 3)).build());
        net.init();
        return net;
    }

    /** Pixels uniform in [0, 1], normalized by mean 0.5 and deviation 0.25 as the CIFAR decoder does. */
    private static DataSet cifarLike(long seed) {
        Random r = new Random(seed);
        float[] x = new float[N * 3 * SIDE * SIDE];
        for (int i = 0; i < x.length; i++) {
            x[i] = (r.nextInt(256) / 255f - 0.5f) / 0.25f;
        }
        INDArray y = Nd4j.zeros(DataType.FLOAT, N, CLASSES);
        for (int i = 0; i < N; i++) {
            y.putScalar(i, r.nextInt(CLASSES), 1.0);
        }
        return new DataSet(Nd4j.create(x, new long[]{N, 3, SIDE, SIDE}, 'c'), y);
    }

    /** Σ ā āᵀ over examples and positions of a 3×3 convolution with padding 1, in DOUBLE from the FLOAT input. */
    private static double[][] patchProducts(INDArray input, int stride, boolean bias) {
        int c = (int) input.size(1);
        int h = (int) input.size(2);
        int w = (int) input.size(3);
        double[] x = input.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        int out = (h + 2 - 3) / stride + 1;
        int dim = c * 9 + (bias ? 1 : 0);
        double[][] a = new double[dim][dim];
        double[] p = new double[dim];
        for (int n = 0; n < N; n++) {
            for (int oh = 0; oh < out; oh++) {
                for (int ow = 0; ow < out; ow++) {
                    for (int ch = 0; ch < c; ch++) {
                        for (int kh = 0; kh < 3; kh++) {
                            for (int kw = 0; kw < 3; kw++) {
                                int row = oh * stride - 1 + kh;
                                int col = ow * stride - 1 + kw;
                                p[(ch * 3 + kh) * 3 + kw] = row >= 0 && row < h && col >= 0 && col < w
                                        ? x[((n * c + ch) * h + row) * w + col] : 0;
                            }
                        }
                    }
                    if (bias) {
                        p[dim - 1] = 1;
                    }
                    addOuter(a, p, 1);
                }
            }
        }
        return a;
    }

    /** (1/|T|) Σ g gᵀ over examples and positions, in DOUBLE from the FLOAT NCHW gradient. */
    private static double[][] gradientProducts(INDArray delta) {
        int c = (int) delta.size(1);
        int positions = (int) (delta.size(2) * delta.size(3));
        double[] d = delta.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[][] g = new double[c][c];
        double[] v = new double[c];
        for (int n = 0; n < N; n++) {
            for (int t = 0; t < positions; t++) {
                for (int ch = 0; ch < c; ch++) {
                    v[ch] = d[(n * c + ch) * positions + t];
                }
                addOuter(g, v, 1.0 / positions);
            }
        }
        return g;
    }

    /** ‖got − expected‖_F / ‖expected‖_F. */
    private static double relativeError(double[][] expected, INDArray got) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected.length; j++) {
                double e = expected[i][j];
                double v = got.getDouble(i, j);
                diff += (v - e) * (v - e);
                norm += e * e;
            }
        }
        return Math.sqrt(diff / norm);
    }
}
