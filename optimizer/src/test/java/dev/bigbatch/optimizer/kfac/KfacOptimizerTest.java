package dev.bigbatch.optimizer.kfac;

import dev.bigbatch.optimizer.CommonSettings;
import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.ParameterRole;
import dev.bigbatch.optimizer.StepReport;
import dev.bigbatch.optimizer.TrainingShape;
import dev.bigbatch.optimizer.regularization.WeightDecay;
import dev.bigbatch.optimizer.schedule.LearningRateSchedule;
import dev.bigbatch.optimizer.schedule.ScheduleConfig;
import dev.bigbatch.optimizer.state.OptimizerState;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The update and the state of {@link KfacOptimizer} against {@link KfacReference}, step by step. */
class KfacOptimizerTest {
    private static final int STEPS = 9;
    /** DOUBLE parameters; eigendecomposition vs direct solve differ by round-off, observed ~1e-14 relative. */
    private static final double TOL = 1e-9;

    static KfacConfig config(DampingMode mode, double klClip) {
        ScheduleConfig schedule = new ScheduleConfig("step", 0.5, 0, 0, 0, 2, 0.1, List.of(5L));
        CommonSettings common = new CommonSettings(0.5, schedule,
                new WeightDecay(0.01, "l2", Set.of(ParameterRole.BIAS, ParameterRole.NORM_SCALE,
                        ParameterRole.NORM_SHIFT)), 0);
        return new KfacConfig(common, 2, 4, 0.9, 0.05, mode, klClip, 0.9, FisherType.TRUE, InverseLocation.DRIVER);
    }

    @Test
    void tikhonovMatchesReference() {
        // κ = 0.02 clips some steps and not others (checked below), so both branches are compared.
        assertMatchesReference(config(DampingMode.TIKHONOV_EIGEN, 0.02));
    }

    @Test
    void piFactoredMatchesReference() {
        assertMatchesReference(config(DampingMode.PI_FACTORED, 0.02));
    }

    @Test
    void withoutKlClippingMatchesReference() {
        assertMatchesReference(config(DampingMode.TIKHONOV_EIGEN, 0));
    }

    /** DL4J hands out parameters as a [1, n] row vector; the step updates it in place like a flat vector. */
    @Test
    void rowVectorParametersAreUpdatedInPlace() {
        KfacConfig c = config(DampingMode.TIKHONOV_EIGEN, 0.02);
        TrainingShape shape = new TrainingShape(100, 10, 8);
        KfacOptimizer flat = c.create(SyntheticSteps.layout(), shape);
        KfacOptimizer row = c.create(SyntheticSteps.layout(), shape);
        INDArray p1 = SyntheticSteps.initialParams(3);
        INDArray p2 = p1.dup().reshape(1, p1.length());
        for (int t = 0; t < 3; t++) {
            flat.step(p1, SyntheticSteps.sums(9, t, t % 2 == 0));
            row.step(p2, SyntheticSteps.sums(9, t, t % 2 == 0));
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(p1.toDoubleVector(), p2.ravel().toDoubleVector());
    }

    @Test
    void layersWithoutABlockAreListedOnce() {
        KfacOptimizer kfac = config(DampingMode.TIKHONOV_EIGEN, 0.02).create(SyntheticSteps.layout(),
                new TrainingShape(100, 10, 8));
        INDArray params = SyntheticSteps.initialParams(3);
        try (CapturedLog log = new CapturedLog()) {
            for (int t = 0; t < 5; t++) {
                kfac.step(params, SyntheticSteps.sums(8, t, t % 2 == 0));
            }
            assertEquals(1L, log.count("first-order (momentum) update for 1 layers [1]"), log.messages().toString());
        }
    }

    private static void assertMatchesReference(KfacConfig config) {
        ParameterLayout layout = SyntheticSteps.layout();
        TrainingShape shape = new TrainingShape(100, 10, 8);
        KfacOptimizer kfac = config.create(layout, shape);
        LearningRateSchedule schedule = config.common().schedule().create(shape);
        KfacReference ref = new KfacReference(config, layout, schedule::at);
        INDArray params = SyntheticSteps.initialParams(3);
        double[] expected = params.toDoubleVector();
        int clipped = 0;
        for (int t = 0; t < STEPS; t++) {
            assertEquals(t % 2 == 0 ? 1 : 0, kfac.request().statistics().size(), "factor request at step " + t);
            var sums = SyntheticSteps.sums(7, t, t % 2 == 0);
            StepReport report = kfac.step(params, sums);
            ref.step(expected, sums);
            assertClose(expected, params.toDoubleVector(), "parameters after step " + t);
            assertEquals(schedule.at(t), report.learningRate());
            double[] refVelocity = ref.velocity;
            OptimizerState s = kfac.state();
            assertEquals(t + 1, s.getLong("step"));
            assertClose(refVelocity, s.array("velocity").toDoubleVector(), "velocity after step " + t);
            for (KfacReference.Block b : ref.blocks) {
                assertClose(flat(b.a), s.array(b.key + ".A").ravel().toDoubleVector(), b.key + " A after step " + t);
                assertClose(flat(b.g), s.array(b.key + ".G").ravel().toDoubleVector(), b.key + " G after step " + t);
                assertEquals(b.updates, s.getLong(b.key + ".updates"));
            }
            clipped += isClipped(config, ref) ? 1 : 0;
        }
        if (config.klClip() > 0) {
            assertTrue(clipped > 0 && clipped < STEPS, "KL clipping active on " + clipped + " of " + STEPS + " steps");
        }
    }

    /** Whether the reference's step was KL-clipped. */
    private static boolean isClipped(KfacConfig config, KfacReference ref) {
        return config.klClip() > 0 && ref.lastNu < 1;
    }

    private static double[] flat(double[][] m) {
        double[] out = new double[m.length * m.length];
        for (int i = 0; i < m.length; i++) {
            System.arraycopy(m[i], 0, out, i * m.length, m.length);
        }
        return out;
    }

    static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double scale = 0;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], TOL * Math.max(scale, 1e-12), what + " [" + i + "]");
        }
    }
}
