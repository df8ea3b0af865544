package dev.bigbatch.optimizer.kfac;

import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.stats.StepSums;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Random;

/**
 * Aggregated sums as executors would send them, made up from a seeded generator, over the layout of
 * dense(3→2) → batch norm(2) → output(2→2): blocks "0" (A 4×4, G 2×2) and "2" (A 3×3, G 2×2); batch norm is
 * first-order. The count is 8, a power of two, so dividing by it is exact in float and double alike.
 */
final class SyntheticSteps {
    static final int COUNT = 8;
    static final BlockId DENSE = new BlockId(BlockKind.DENSE, "0");
    static final BlockId OUTPUT = new BlockId(BlockKind.DENSE, "2");

    private SyntheticSteps() {
    }

    static ParameterLayout layout() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1)
                .dataType(DataType.DOUBLE).list()
                .layer(new DenseLayer.Builder().nIn(3).nOut(2).activation(Activation.TANH).build())
                .layer(new BatchNormalization.Builder().nOut(2).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(2).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        return ParameterLayout.of(net);
    }

    static INDArray initialParams(long seed) {
        Random r = new Random(seed);
        double[] p = new double[(int) layout().size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = r.nextGaussian();
        }
        return Nd4j.createFromArray(p);
    }

    /** The sums of {@code step}: a gradient, and on factor steps the factor sums of both blocks. */
    static StepSums sums(long seed, long step, boolean factors) {
        Random r = new Random(seed * 1000 + step);
        StepSums s = new StepSums();
        double[] g = new double[(int) layout().size()];
        for (int i = 0; i < g.length; i++) {
            g[i] = COUNT * 0.5 * r.nextGaussian();
        }
        s.addGradient(Nd4j.createFromArray(g), 1.0);
        s.addExamples(COUNT, 1.0, 0, 0);
        if (factors) {
            s.addExtra(DENSE.inputKey(), outerSum(r, 4, true), 1.0);
            s.addExtra(DENSE.outputKey(), outerSum(r, 2, false), 1.0);
            s.addExtra(OUTPUT.inputKey(), outerSum(r, 3, true), 1.0);
            s.addExtra(OUTPUT.outputKey(), outerSum(r, 2, false), 1.0);
            s.addExtra(BlockId.COUNT_KEY, Nd4j.createFromArray((double) COUNT), 1.0);
        }
        return s;
    }

    /** Σ over COUNT random rows of v vᵀ (last entry 1 with a bias), packed as an upper triangle. */
    private static INDArray outerSum(Random r, int n, boolean bias) {
        double[][] m = new double[n][n];
        for (int k = 0; k < COUNT; k++) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = bias && i == n - 1 ? 1 : r.nextGaussian();
            }
            KroneckerFactorStatisticDenseTest.addOuter(m, v, 1);
        }
        double[] packed = new double[n * (n + 1) / 2];
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                packed[k++] = m[i][j];
            }
        }
        return Nd4j.createFromArray(packed);
    }
}
