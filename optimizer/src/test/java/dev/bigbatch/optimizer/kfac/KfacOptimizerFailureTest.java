package dev.bigbatch.optimizer.kfac;

import dev.bigbatch.optimizer.CommonSettings;
import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.TrainingShape;
import dev.bigbatch.optimizer.regularization.WeightDecay;
import dev.bigbatch.optimizer.schedule.ScheduleConfig;
import dev.bigbatch.optimizer.state.OptimizerState;
import dev.bigbatch.optimizer.stats.StepSums;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static dev.bigbatch.optimizer.kfac.KfacOptimizerTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** NaN/Inf factors and failed decompositions: skipped, logged, and never a NaN in the parameters. */
class KfacOptimizerFailureTest {
    private static final double LR = 0.1;
    private static final TrainingShape SHAPE = new TrainingShape(100, 10, 8);

    /** Factors and inverses every step, no momentum, decay or clipping, so each step's effect is plain to see. */
    private static KfacConfig everyStep(double damping) {
        CommonSettings common = new CommonSettings(LR, ScheduleConfig.constant(LR), WeightDecay.none(), 0);
        return new KfacConfig(common, 1, 1, 0.9, damping, DampingMode.TIKHONOV_EIGEN, 0, 0, FisherType.TRUE,
                InverseLocation.DRIVER);
    }

    @Test
    void nanOrInfInAFactorSumSkipsThatUpdateOnly() {
        for (float bad : new float[]{Float.NaN, Float.POSITIVE_INFINITY}) {
            KfacConfig config = everyStep(0.05);
            ParameterLayout layout = SyntheticSteps.layout();
            KfacOptimizer kfac = config.create(layout, SHAPE);
            KfacReference ref = new KfacReference(config, layout, t -> LR);
            INDArray params = SyntheticSteps.initialParams(4);
            double[] expected = params.toDoubleVector();
            OptimizerState afterFirst = null;
            for (int t = 0; t < 4; t++) {
                StepSums sums = SyntheticSteps.sums(9, t, true);
                if (t == 1) {
                    sums.extraSum(SyntheticSteps.DENSE.inputKey())[2] = bad;
                }
                try (CapturedLog log = new CapturedLog()) {
                    kfac.step(params, sums);
                    assertEquals(t == 1 ? 1L : 0L, log.count("factor estimate of dense 0 holds NaN or Inf"), log.messages().toString());
                }
                ref.step(expected, sums);
                assertClose(expected, params.toDoubleVector(), "parameters after step " + t + " (" + bad + ")");
                OptimizerState s = kfac.state();
                if (t == 0) {
                    afterFirst = s;
                } else if (t == 1) {
                    assertEquals(afterFirst.array(SyntheticSteps.DENSE.inputKey()), s.array(SyntheticSteps.DENSE.inputKey()));
                    assertEquals(1, s.getLong(SyntheticSteps.DENSE.stem() + ".updates"));
                    assertEquals(2, s.getLong(SyntheticSteps.OUTPUT.stem() + ".updates"));
                }
            }
            assertAllFinite(params);
        }
    }

    @Test
    void aFailedDecompositionBeforeAnyInverseGivesTheFirstOrderUpdate() {
        KfacOptimizer kfac = everyStep(0.05).create(SyntheticSteps.layout(), SHAPE);
        kfac.useInverter(failing(SyntheticSteps.DENSE, Double.POSITIVE_INFINITY));
        INDArray params = SyntheticSteps.initialParams(5);
        INDArray before = params.dup();
        StepSums sums = SyntheticSteps.sums(10, 0, true);
        try (CapturedLog log = new CapturedLog()) {
            kfac.step(params, sums);
            assertEquals(2L, log.count("WARN K-FAC step 0: eigendecomposition of dense 0 failed"), log.messages().toString());
            assertEquals(1L, log.count("dense 0 has no inverse yet"), log.messages().toString());
        }
        INDArray g = sums.meanGradient().castTo(params.dataType());
        ParameterLayout.Segment w = segment("0", "W");
        for (long i = w.offset(); i < w.offset() + w.length(); i++) {
            assertEquals(before.getDouble(i) - LR * g.getDouble(i), params.getDouble(i), 1e-12, "dense weight " + i);
        }
        assertFalse(kfac.state().hasArray(SyntheticSteps.DENSE.inputKey() + ".eigenvalues"));
        assertTrue(kfac.state().hasArray(SyntheticSteps.OUTPUT.inputKey() + ".eigenvalues"));
        ParameterLayout.Segment out = segment("2", "W");
        assertNotEquals(before.getDouble(out.offset()) - LR * g.getDouble(out.offset()), params.getDouble(out.offset()),
                "the output block is still preconditioned");
    }

    @Test
    void aFailedDecompositionKeepsTheLastGoodInverse() {
        KfacOptimizer kfac = everyStep(0.05).create(SyntheticSteps.layout(), SHAPE);
        INDArray params = SyntheticSteps.initialParams(6);
        kfac.step(params, SyntheticSteps.sums(11, 0, true));
        OptimizerState good = kfac.state();
        kfac.useInverter(failing(SyntheticSteps.DENSE, Double.POSITIVE_INFINITY));
        try (CapturedLog log = new CapturedLog()) {
            kfac.step(params, SyntheticSteps.sums(11, 1, true));
            assertEquals(1L, log.count("dense 0 keeps its previous inverse"), log.messages().toString());
        }
        OptimizerState after = kfac.state();
        String values = SyntheticSteps.DENSE.inputKey() + ".eigenvalues";
        assertEquals(good.array(values), after.array(values), "kept");
        assertNotEquals(good.array(SyntheticSteps.DENSE.inputKey()), after.array(SyntheticSteps.DENSE.inputKey()),
                "while the average moved on");
        String outValues = SyntheticSteps.OUTPUT.inputKey() + ".eigenvalues";
        assertNotEquals(good.array(outValues), after.array(outValues), "the other block was refreshed");
        assertAllFinite(params);
    }

    /** A decomposition that fails unshifted is retried with the damping on the diagonal: eigenvalues s + λ. */
    @Test
    void aRetryWithRaisedDampingIsUsedWhenItSucceeds() {
        double damping = 0.05;
        KfacOptimizer kfac = everyStep(damping).create(SyntheticSteps.layout(), SHAPE);
        kfac.useInverter(failing(SyntheticSteps.DENSE, Double.MIN_VALUE));
        INDArray params = SyntheticSteps.initialParams(7);
        kfac.step(params, SyntheticSteps.sums(12, 0, true));
        OptimizerState s = kfac.state();
        INDArray a = s.array(SyntheticSteps.DENSE.inputKey());
        EigenResult plain = FactorEigendecomposition.decompose(
                new FactorMatrix("a", 4, a.dup('c').data().asDouble(), 0));
        double[] stored = s.array(SyntheticSteps.DENSE.inputKey() + ".eigenvalues").toDoubleVector();
        for (int i = 0; i < 4; i++) {
            assertEquals(plain.eigenvalues()[i] + damping, stored[i], 1e-12);
        }
    }

    /** Undamped singular factors would give 0/0: the block falls back to first order instead of writing NaN. */
    @Test
    void aNonFinitePreconditionedGradientFallsBackToFirstOrder() {
        KfacOptimizer kfac = everyStep(0.0).create(SyntheticSteps.layout(), SHAPE);
        StepSums sums = SyntheticSteps.sums(13, 0, true);
        java.util.Arrays.fill(sums.extraSum(SyntheticSteps.DENSE.inputKey()), 0f);
        INDArray params = SyntheticSteps.initialParams(8);
        INDArray before = params.dup();
        kfac.step(params, sums);
        assertAllFinite(params);
        INDArray g = sums.meanGradient().castTo(params.dataType());
        long i = segment("0", "W").offset();
        assertEquals(before.getDouble(i) - LR * g.getDouble(i), params.getDouble(i), 1e-12);
    }

    @Test
    void executorsWithoutAnInstalledInverterFailClearly() {
        KfacConfig c = everyStep(0.05);
        KfacConfig onExecutors = new KfacConfig(c.common(), 1, 1, 0.9, 0.05, c.dampingMode(), 0, 0, FisherType.TRUE,
                InverseLocation.EXECUTORS);
        KfacOptimizer kfac = onExecutors.create(SyntheticSteps.layout(), SHAPE);
        var e = assertThrows(IllegalStateException.class,
                () -> kfac.step(SyntheticSteps.initialParams(1), SyntheticSteps.sums(14, 0, true)));
        assertTrue(e.getMessage().contains("inverse-on"), e.getMessage());
    }

    @Test
    void aFactorStepWithoutFactorsFailsClearly() {
        KfacOptimizer kfac = everyStep(0.05).create(SyntheticSteps.layout(), SHAPE);
        var e = assertThrows(IllegalStateException.class,
                () -> kfac.step(SyntheticSteps.initialParams(1), SyntheticSteps.sums(15, 0, false)));
        assertTrue(e.getMessage().contains("request()"), e.getMessage());
    }

    /** Distributed inverse (LPT tasks, each on its own thread) and the driver's give the same bits. */
    @Test
    void distributedInverseEqualsDriverInverse() {
        KfacOptimizer driver = everyStep(0.05).create(SyntheticSteps.layout(), SHAPE);
        KfacOptimizer spread = everyStep(0.05).create(SyntheticSteps.layout(), SHAPE);
        spread.useInverter(FactorEigendecompositionTest.threadedTasks(3));
        INDArray p1 = SyntheticSteps.initialParams(2);
        INDArray p2 = p1.dup();
        for (int t = 0; t < 3; t++) {
            driver.step(p1, SyntheticSteps.sums(16, t, true));
            spread.step(p2, SyntheticSteps.sums(16, t, true));
        }
        assertArrayEquals(p1.toDoubleVector(), p2.toDoubleVector());
    }

    /** An inverter that reports failure for {@code block}'s factors when their shift is below {@code upTo}. */
    static FactorInverter failing(BlockId block, double upTo) {
        return factors -> factors.stream().map(f -> f.name().startsWith(block.stem() + ".") && f.shift() < upTo
                ? EigenResult.failed(f.name(), "injected failure") : FactorEigendecomposition.decompose(f)).toList();
    }

    private static ParameterLayout.Segment segment(String layer, String key) {
        return SyntheticSteps.layout().segments().stream()
                .filter(s -> s.layerName().equals(layer) && s.paramKey().equals(key)).findFirst().orElseThrow();
    }

    private static void assertAllFinite(INDArray params) {
        for (double v : params.toDoubleVector()) {
            assertTrue(Double.isFinite(v), "parameter " + v);
        }
    }
}
