package dev.bigbatch.optimizer.kfac;

import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.stats.LocalShard;
import dev.bigbatch.optimizer.stats.StepSums;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dense blocks, MultiLayerNetwork and ComputationGraph with a residual add, against per-example computations. */
class KroneckerFactorStatisticDenseTest {
    private static final int N = 6;
    /** DOUBLE throughout; observed differences are ~1e-16 relative. */
    private static final double TOL = 1e-10;

    @Test
    void perExampleOuterProductsSumToDl4jWeightGradient() {
        for (Model net : List.<Model>of(TinyNets.dense(1), TinyNets.residual(2))) {
            DataSet data = TinyNets.data(3, N, 3, 4);
            List<CurvatureBlocks.Bound> blocks = CurvatureBlocks.bind(net);
            assertEquals(3, blocks.size());
            INDArray flatGradient;
            try (LayerRecorders rec = LayerRecorders.install(blocks)) {
                flatGradient = LocalShard.compute(net, data).gradientSum().reshape(-1);
                ParameterLayout layout = ParameterLayout.of(net);
                for (CurvatureBlocks.Bound b : blocks) {
                    INDArray a = BlockRows.input(b.block(), rec.input(b));
                    INDArray g = BlockRows.gradient(b.block(), rec.preActivationGradient(b));
                    INDArray sumOfOuterProducts = g.transpose().mmul(a);
                    INDArray dl4j = KroneckerFactors.create(b.block().id(), layout, b.block().inputDim(),
                            b.block().outputDim()).gradientMatrix(flatGradient);
                    assertClose(dl4j, sumOfOuterProducts, b.block().id() + " gradient");
                }
            }
            assertTrue(flatGradient.norm2Number().doubleValue() > 0);
        }
    }

    @Test
    void empiricalFactorsEqualPerExampleBruteForce() {
        MultiLayerNetwork net = TinyNets.dense(4);
        DataSet data = TinyNets.data(5, N, 3, 4);
        check(net, data, data.getLabels(), FisherType.EMPIRICAL, Map.of("0", 0, "1", 1, "2", 2));
    }

    @Test
    void trueFisherFactorsEqualBruteForceWithTheSameSampledTargets() {
        MultiLayerNetwork net = TinyNets.dense(6);
        DataSet data = TinyNets.data(7, N, 3, 4);
        long[] ids = {0, 1, 2, 3, 4, 5};
        INDArray sampled = FisherTargets.of(net).sample(net.output(data.getFeatures(), true), ids, 99, 10);
        assertEquals(N, sampled.sumNumber().intValue(), "one-hot samples");
        check(net, data, sampled, FisherType.TRUE, Map.of("0", 0, "1", 1, "2", 2));
    }

    @Test
    void residualGraphFactorsEqualBruteForce() {
        ComputationGraph net = TinyNets.residual(8);
        DataSet data = TinyNets.data(9, N, 3, 4);
        check(net, data, data.getLabels(), FisherType.EMPIRICAL, Map.of("d1", "in", "d2", "d1", "out", "add"));
    }

    /** The statistic travels to executors with every factor-step request: it must stay tiny. */
    @Test
    void theRequestIsSmall() throws Exception {
        var bytes = new java.io.ByteArrayOutputStream();
        try (var out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(new dev.bigbatch.optimizer.stats.StepRequest(
                    List.of(new KroneckerFactorStatistic(FisherType.TRUE))));
        }
        assertTrue(bytes.size() < 1024, bytes.size() + " bytes");
    }

    @Test
    void replicaIsLeftAsFound() {
        MultiLayerNetwork net = TinyNets.dense(10);
        DataSet data = TinyNets.data(11, N, 3, 4);
        INDArray params = net.params().dup();
        var conf = (org.deeplearning4j.nn.conf.layers.BaseLayer) net.getLayer(1).conf().getLayer();
        var out = (org.deeplearning4j.nn.conf.layers.BaseOutputLayer) net.getLayer(2).conf().getLayer();
        var activation = conf.getActivationFn();
        var dropout = conf.getIDropout();
        var loss = out.getLossFn();
        LocalShard shard = LocalShard.of(net, data, 0, N, 3, 10, 99);
        new KroneckerFactorStatistic(FisherType.TRUE).accumulate(shard, new StepSums());
        assertEquals(params, net.params());
        assertSame(activation, conf.getActivationFn());
        assertSame(dropout, conf.getIDropout());
        assertSame(loss, out.getLossFn());
        assertEquals(2, shard.gradientCalls(), "one backward pass per ghost batch");
    }

    /**
     * Runs the statistic on all examples (ghost batches of 2) and compares with A = Σ ā āᵀ and G = Σ δ δᵀ, where ā comes
     * from DL4J's feed-forward activations and δ_n from a separate one-example backward pass: DL4J's weight gradient
     * of example n alone is a_n δ_nᵀ, so δ_n = ∇W_nᵀ a_n / ‖a_n‖².
     *
     * @param inputOf each block layer's name → where its input is in feedForward's output (list index or vertex name)
     */
    private static void check(Model net, DataSet data, INDArray labels, FisherType fisher, Map<String, ?> inputOf) {
        LocalShard shard = LocalShard.of(net, data, 0, N, 2, 10, 99);
        KroneckerFactorSums sums = new KroneckerFactorStatistic(fisher).compute(shard);
        StepSums wire = new StepSums();
        sums.addTo(wire);
        assertEquals(N, wire.extraSum(BlockId.COUNT_KEY)[0]);
        for (CurvatureBlocks.Bound b : CurvatureBlocks.bind(net)) {
            String layer = b.block().id().layer();
            int in = b.block().inputDim();
            int out = b.block().outputDim();
            double[][] a = new double[in][in];
            double[][] g = new double[out][out];
            for (int n = 0; n < N; n++) {
                INDArray x = LocalShard.rows(data.getFeatures(), n, n + 1);
                INDArray y = LocalShard.rows(labels, n, n + 1);
                INDArray act = activations(net, x).get(inputOf.get(layer).toString());
                double[] abar = new double[in];
                for (int i = 0; i < act.length(); i++) {
                    abar[i] = act.getDouble(i);
                }
                if (in > act.length()) {
                    abar[in - 1] = 1;
                }
                LocalShard.compute(net, new DataSet(x, y));
                INDArray w = net.gradient().getGradientFor(gradientKey(net, layer) + "W");
                double norm = 0;
                for (int i = 0; i < act.length(); i++) {
                    norm += abar[i] * abar[i];
                }
                double[] delta = new double[out];
                for (int o = 0; o < out; o++) {
                    for (int i = 0; i < act.length(); i++) {
                        delta[o] += w.getDouble(i, o) * abar[i] / norm;
                    }
                }
                addOuter(a, abar, 1);
                addOuter(g, delta, 1);
            }
            INDArray[] got = sums.sums(b.block().id());
            assertClose(org.nd4j.linalg.factory.Nd4j.create(a), got[0], layer + " A");
            assertClose(org.nd4j.linalg.factory.Nd4j.create(g), got[1], layer + " G");
            // The packed float sums on the wire carry the same matrices (float rounding, observed < 1e-7 relative).
            INDArray wireA = PackedSymmetric.unpack(wire.extraSum(b.block().id().inputKey()), 1.0);
            assertTrue(wireA.sub(got[0]).norm2Number().doubleValue() <= 1e-6 * got[0].norm2Number().doubleValue());
        }
    }

    private static Map<String, INDArray> activations(Model net, INDArray x) {
        if (net instanceof MultiLayerNetwork mln) {
            List<INDArray> list = mln.feedForward(x, true);
            java.util.HashMap<String, INDArray> m = new java.util.HashMap<>();
            for (int i = 0; i < list.size(); i++) {
                m.put(String.valueOf(i), list.get(i));
            }
            return m;
        }
        return ((ComputationGraph) net).feedForward(x, true);
    }

    private static String gradientKey(Model net, String layer) {
        return layer + "_";
    }

    static void addOuter(double[][] m, double[] v, double scale) {
        for (int i = 0; i < v.length; i++) {
            for (int j = 0; j < v.length; j++) {
                m[i][j] += scale * v[i] * v[j];
            }
        }
    }

    static void assertClose(INDArray expected, INDArray actual, String what) {
        assertClose(expected, actual, what, TOL);
    }

    static void assertClose(INDArray expected, INDArray actual, String what, double tol) {
        INDArray e = expected.castTo(DataType.DOUBLE);
        INDArray a = actual.castTo(DataType.DOUBLE);
        assertEquals(java.util.Arrays.toString(e.shape()), java.util.Arrays.toString(a.shape()), what + " shape");
        double diff = e.sub(a).norm2Number().doubleValue();
        double scale = Math.max(1e-12, e.norm2Number().doubleValue());
        assertTrue(diff <= tol * scale, what + ": relative difference " + diff / scale + "\nexpected " + e + "\nactual " + a);
    }
}
