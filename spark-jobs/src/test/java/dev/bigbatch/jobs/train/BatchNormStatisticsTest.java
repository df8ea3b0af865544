package dev.bigbatch.jobs.train;

import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.ParameterRole;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link BatchNormStatistics} against a forward pass written out in plain Java (doubles) for a tiny network with a
 * batch-norm layer after a 1×1 convolution (statistics per channel over batch and positions, DL4J's default log10 σ
 * storage) and one after a dense layer (per unit over the batch, stored as a variance): the batch means and biased
 * variances of each layer's input, with the first layer normalizing by its batch statistics, not its running ones.
 */
class BatchNormStatisticsTest {
    static final int BATCH = 5;
    static final int IN_CHANNELS = 2;
    static final int CHANNELS = 3;
    static final int SIZE = 3;
    static final int UNITS = 2;
    /** float forward pass against a double reference, values of order 1: observed differences are below 1e-6. */
    static final double TOLERANCE = 1e-5;

    static ComputationGraph network() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(1).dataType(DataType.FLOAT)
                .graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(SIZE, SIZE, IN_CHANNELS))
                .addLayer("conv", new ConvolutionLayer.Builder(1, 1).nOut(CHANNELS).activation(Activation.IDENTITY)
                        .build(), "in")
                .addLayer("bn1", new BatchNormalization.Builder().build(), "conv")
                .addLayer("relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "bn1")
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "relu")
                .addLayer("dense", new DenseLayer.Builder().nOut(UNITS).activation(Activation.IDENTITY).build(), "pool")
                .addLayer("bn2", new BatchNormalization.Builder().useLogStd(false).build(), "dense")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "bn2")
                .setOutputs("out")
                .build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        // Every parameter random, running statistics included: far from the batch's, so using them would show.
        Nd4j.getRandom().setSeed(7);
        net.params().assign(Nd4j.rand(DataType.FLOAT, net.params().length()).subi(0.5).muli(4));
        return net;
    }

    static INDArray features(long seed) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.FLOAT, BATCH, IN_CHANNELS, SIZE, SIZE).subi(0.5).muli(3);
    }

    /** {mean1, var1, mean2, var2}: the reference statistics of the two batch-norm layers' inputs. */
    static double[][] reference(ComputationGraph net, INDArray x) {
        INDArray w = net.getLayer("conv").getParam("W");
        double[] b = net.getLayer("conv").getParam("b").toDoubleVector();
        double[][][][] y = new double[BATCH][CHANNELS][SIZE][SIZE];
        for (int n = 0; n < BATCH; n++) {
            for (int o = 0; o < CHANNELS; o++) {
                for (int h = 0; h < SIZE; h++) {
                    for (int v = 0; v < SIZE; v++) {
                        double s = b[o];
                        for (int c = 0; c < IN_CHANNELS; c++) {
                            s += w.getDouble(o, c, 0, 0) * x.getDouble(n, c, h, v);
                        }
                        y[n][o][h][v] = s;
                    }
                }
            }
        }
        double[] mean1 = new double[CHANNELS];
        double[] var1 = new double[CHANNELS];
        int m = BATCH * SIZE * SIZE;
        for (int o = 0; o < CHANNELS; o++) {
            for (int n = 0; n < BATCH; n++) {
                for (double[] row : y[n][o]) {
                    for (double e : row) {
                        mean1[o] += e / m;
                    }
                }
            }
            for (int n = 0; n < BATCH; n++) {
                for (double[] row : y[n][o]) {
                    for (double e : row) {
                        var1[o] += (e - mean1[o]) * (e - mean1[o]) / m;
                    }
                }
            }
        }
        double eps = ((BatchNormalization) net.getLayer("bn1").conf().getLayer()).getEps();
        double[] gamma = net.getLayer("bn1").getParam("gamma").toDoubleVector();
        double[] beta = net.getLayer("bn1").getParam("beta").toDoubleVector();
        double[][] pooled = new double[BATCH][CHANNELS];
        for (int n = 0; n < BATCH; n++) {
            for (int o = 0; o < CHANNELS; o++) {
                for (double[] row : y[n][o]) {
                    for (double e : row) {
                        double z = gamma[o] * (e - mean1[o]) / Math.sqrt(var1[o] + eps) + beta[o];
                        pooled[n][o] += Math.max(z, 0) / (SIZE * SIZE);
                    }
                }
            }
        }
        INDArray wd = net.getLayer("dense").getParam("W");
        double[] bd = net.getLayer("dense").getParam("b").toDoubleVector();
        double[] mean2 = new double[UNITS];
        double[] var2 = new double[UNITS];
        double[][] d = new double[BATCH][UNITS];
        for (int n = 0; n < BATCH; n++) {
            for (int j = 0; j < UNITS; j++) {
                d[n][j] = bd[j];
                for (int o = 0; o < CHANNELS; o++) {
                    d[n][j] += pooled[n][o] * wd.getDouble(o, j);
                }
                mean2[j] += d[n][j] / BATCH;
            }
        }
        for (double[] row : d) {
            for (int j = 0; j < UNITS; j++) {
                var2[j] += (row[j] - mean2[j]) * (row[j] - mean2[j]) / BATCH;
            }
        }
        return new double[][]{mean1, var1, mean2, var2};
    }

    static void assertClose(double[] expected, float[] packed, int at, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], packed[at + i], TOLERANCE, what + "[" + i + "]");
        }
    }

    @Test
    void layersArePackedLikeTheRunningStatistics() {
        ParameterLayout layout = ParameterLayout.of(network());
        BatchNormStatistics s = BatchNormStatistics.of(layout);
        assertEquals(List.of(new BatchNormStatistics.Layer("bn1", 0, 3, 3, true),
                new BatchNormStatistics.Layer("bn2", 6, 8, 2, false)), s.layers());
        assertEquals(layout.withRole(ParameterRole.NORM_STATISTIC).stream()
                .mapToLong(ParameterLayout.Segment::length).sum(), s.size());
    }

    @Test
    void batchStatisticsAreThoseOfAHandWrittenTrainingModeForwardPass() {
        ComputationGraph net = network();
        BatchNormStatistics s = BatchNormStatistics.of(ParameterLayout.of(net));
        float[] before = net.params().toFloatVector();
        INDArray x = features(11);
        float[] packed = s.batch(net, x);
        double[][] ref = reference(net, x);
        assertClose(ref[0], packed, 0, "bn1 mean");
        assertClose(ref[1], packed, 3, "bn1 variance");
        assertClose(ref[2], packed, 6, "bn2 mean");
        assertClose(ref[3], packed, 8, "bn2 variance");
        assertArrayEquals(before, net.params().toFloatVector(), "the forward pass changed the parameters");
    }

    @Test
    void storedStatisticsAreTheMeansOfTheBatchesWithLog10StdWhereTheLayerKeepsIt() {
        ComputationGraph net = network();
        BatchNormStatistics s = BatchNormStatistics.of(ParameterLayout.of(net));
        double[][] mean = new double[4][];
        float[] sum = new float[s.size()];
        int batches = 3;
        for (int k = 0; k < batches; k++) {
            INDArray x = features(20 + k);
            float[] packed = s.batch(net, x);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += packed[i];
            }
            double[][] ref = reference(net, x);
            for (int j = 0; j < 4; j++) {
                if (mean[j] == null) {
                    mean[j] = new double[ref[j].length];
                }
                for (int i = 0; i < ref[j].length; i++) {
                    mean[j][i] += ref[j][i] / batches;
                }
            }
        }
        float[] stored = s.stored(sum, batches);
        double[] log10Std = new double[CHANNELS];
        for (int i = 0; i < CHANNELS; i++) {
            log10Std[i] = 0.5 * Math.log10(mean[1][i]);
        }
        assertClose(mean[0], stored, 0, "bn1 running mean");
        assertClose(log10Std, stored, 3, "bn1 running log10 std");
        assertClose(mean[2], stored, 6, "bn2 running mean");
        assertClose(mean[3], stored, 8, "bn2 running variance");
    }

    @Test
    void aConstantChannelStoresAFiniteLog10StdWhoseVarianceIsNegligible() {
        BatchNormStatistics s = BatchNormStatistics.of(ParameterLayout.of(network()));
        float[] stored = s.stored(new float[s.size()], 2);
        for (int i = 3; i < 6; i++) {
            assertTrue(Float.isFinite(stored[i]), "log10 std " + stored[i]);
            assertTrue(Math.pow(10, 2 * stored[i]) < 1e-30, "variance " + Math.pow(10, 2 * stored[i]));
        }
        assertEquals(0f, stored[8], "a variance is stored as 0");
    }

    @Test
    void installReplacesOnlyTheRunningStatisticsOfACopy() {
        ComputationGraph net = network();
        ParameterLayout layout = ParameterLayout.of(net);
        INDArray weights = net.params().dup().reshape(layout.size());
        float[] before = weights.toFloatVector();
        float[] packed = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        INDArray out = BatchNormRecalibration.install(weights, layout, Nd4j.createFromArray(packed));
        assertArrayEquals(before, weights.toFloatVector(), "the input was modified");
        float[] got = out.toFloatVector();
        int k = 0;
        for (ParameterLayout.Segment seg : layout.segments()) {
            for (long i = seg.offset(); i < seg.offset() + seg.length(); i++) {
                float expected = seg.role() == ParameterRole.NORM_STATISTIC ? packed[k++] : before[(int) i];
                assertEquals(expected, got[(int) i], 0f, seg + " at " + i);
            }
        }
        assertEquals(packed.length, k);
        assertEquals(net.getLayer("bn2").getParam("var").getFloat(1), before[(int) layout.withRole(
                ParameterRole.NORM_STATISTIC).get(3).offset() + 1], 0f, "the layout's flat order is DL4J's");
    }
}
