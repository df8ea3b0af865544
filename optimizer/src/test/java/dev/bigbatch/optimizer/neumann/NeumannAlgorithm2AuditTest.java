package dev.bigbatch.optimizer.neumann;

import dev.bigbatch.optimizer.Optimizer;
import dev.bigbatch.optimizer.ParameterRole;
import dev.bigbatch.optimizer.TrainingShape;
import dev.bigbatch.optimizer.neumann.Algorithm2Reference.AverageStart;
import dev.bigbatch.optimizer.neumann.Algorithm2Reference.Reading;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

import java.util.ArrayList;
import java.util.List;

import static dev.bigbatch.optimizer.OptimizerFixtures.config;
import static dev.bigbatch.optimizer.OptimizerFixtures.doubles;
import static dev.bigbatch.optimizer.neumann.Algorithm2Harness.LAYOUT;
import static dev.bigbatch.optimizer.neumann.Algorithm2Harness.N;
import static dev.bigbatch.optimizer.neumann.Algorithm2Harness.TOLERANCE;
import static dev.bigbatch.optimizer.neumann.Algorithm2Harness.TOTAL;
import static dev.bigbatch.optimizer.neumann.Algorithm2Harness.TRAINABLE;
import static dev.bigbatch.optimizer.neumann.Algorithm2Harness.assertAgrees;
import static dev.bigbatch.optimizer.neumann.Algorithm2Harness.compare;
import static dev.bigbatch.optimizer.neumann.Algorithm2Harness.eta;
import static dev.bigbatch.optimizer.neumann.Algorithm2Harness.mask;
import static dev.bigbatch.optimizer.neumann.Algorithm2Harness.run;
import static dev.bigbatch.optimizer.neumann.Algorithm2Harness.trainableSegments;
import static dev.bigbatch.optimizer.neumann.Algorithm2Harness.trainable;
import static dev.bigbatch.optimizer.neumann.Algorithm2Harness.worst;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An independent audit of the single-loop Neumann optimizer (Algorithm 2) against {@link Algorithm2Reference}, step by
 * step on a non-quadratic problem, over a layout of weights, biases, batch-norm scale/shift and two batch-norm running
 * statistic segments in the middle of the vector. Every step compares the stored and the evaluation weights, m, w − v,
 * K, the next reset, the reset count and the step report. 44 steps cover the SGD warm-up and the hand-over, μ from 0.5
 * to its cap, resets at Neumann steps 2, 6, 14 and 30 (K = 2, 4, 8, 16) and a learning-rate warm-up that spans the
 * hand-over followed by cosine decay.
 */
class NeumannAlgorithm2AuditTest {
    /** With 2 steps per epoch: SGD for 4 steps, K = 2 steps at first, μ's t grows by 1 every 2 steps. */
    static final String TIMES = "sgd-warmup-epochs = 2, reset-epochs = 1, momentum-unit-epochs = 1";
    static final String SCHEDULE = "learning-rate = 0.05, schedule { name = cosine, warmup-steps = 6, "
            + "warmup-start-factor = 0.2, min-learning-rate = 0.005 }";
    /** The readings the code documents (NeumannOptimizer's Javadoc); the alternatives are in {@link Reading}. */
    static final Reading CODE = new Reading(AverageStart.FROZEN_THROUGH_WARMUP, true, false, false);

    /** The reference for {@link #TIMES} at 2 steps per epoch; {@code decay} > 0 is L2 unless {@code decoupled}. */
    static Algorithm2Reference reference(double alpha, double beta, double clip, double decay, boolean decoupled,
                                         Reading reading) {
        return reference(new Algorithm2Reference.Settings(alpha, beta, 0.99, 0.9, 4, 2, 2, 2, eta(), decay,
                decoupled, mask(ParameterRole.WEIGHT), clip, trainableSegments(), reading));
    }

    static Algorithm2Reference reference(Algorithm2Reference.Settings settings) {
        double[] w = new double[N];
        for (int i = 0; i < N; i++) {
            w[i] = 0.8 * Math.sin(1.3 * i + 0.4);
        }
        return new Algorithm2Reference(settings, trainable(), w);
    }

    static Optimizer optimizer(String keys, long stepsPerEpoch) {
        return config("optimizer { name = neumann, " + SCHEDULE + ", " + keys + " }")
                .create(LAYOUT, new TrainingShape(TOTAL, stepsPerEpoch, 64));
    }

    @Test
    void matchesAlgorithm2WithTable1RegularizersStepByStep() {
        Algorithm2Reference ref = reference(1e-7, 1e-5 * TRAINABLE, 0, 0, false, CODE);
        assertAgrees(run(optimizer(TIMES, 2), ref, DataType.DOUBLE, null));
    }

    @Test
    void theHandOverStartsMFromTheGradientAndVFromTheWeightsBeforeWarmUp() {
        Optimizer opt = optimizer(TIMES, 2);
        Algorithm2Reference ref = reference(1e-7, 1e-5 * TRAINABLE, 0, 0, false, CODE);
        double[] w0 = ref.w.clone();
        List<float[]> gradients = new ArrayList<>();
        run(opt, ref, DataType.DOUBLE, 5, gradients);
        double[] m = doubles(opt.state().array(NeumannOptimizer.ITERATE));
        double[] offset = doubles(opt.state().array(AverageOffset.STATE));
        double[] w = ref.w;
        float[] g = gradients.get(4);
        for (int i : new int[]{0, 7, 17}) { // a weight, a bias, a weight after the statistics
            assertEquals(-eta().applyAsDouble(4) * g[i], m[i], 1e-15, "m after the first Neumann step at " + i);
            assertEquals(w[i] - w0[i], offset[i] / 0.99, 1e-12, "v is still w_0 plus one step of line 12 at " + i);
        }
        assertEquals(0, m[12], "no iterate at a running statistic");
    }

    @Test
    void everyTermIsSeen() {
        Reading perTensor = new Reading(AverageStart.FROZEN_THROUGH_WARMUP, true, false, true);
        Algorithm2Reference[] wrong = {
                reference(1e-7, 1e-5, 0, 0, false, CODE),                   // β not scaled
                reference(1e-7, 1e-5 * N, 0, 0, false, CODE),               // β × all values, statistics included
                reference(0, 1e-5 * TRAINABLE, 0, 0, false, CODE),          // no cubic term
                reference(0, 0, 0, 0, false, CODE),                         // v aliased to w: no regularizer
                reference(1e-7, 1e-5 * TRAINABLE, 0, 0, false, perTensor),  // norms per tensor
        };
        for (Algorithm2Reference ref : wrong) {
            List<String> diffs = run(optimizer(TIMES, 2), ref, DataType.DOUBLE, null);
            assertTrue(worst(diffs) > 1e3 * TOLERANCE, "a wrong variant passes: worst " + worst(diffs));
        }
    }

    @Test
    void strongRegularizers() {
        Algorithm2Reference ref = reference(0.05, 1e-3 * TRAINABLE, 0, 0, false, CODE);
        assertAgrees(run(optimizer(TIMES + ", cubic-regularizer = 0.05, repulsive-regularizer-per-parameter = 1e-3",
                2), ref, DataType.DOUBLE, null));
    }

    @Test
    void clippingThenL2DecayBeforeTheRule() {
        Algorithm2Reference ref = reference(1e-7, 1e-5 * TRAINABLE, 1.2, 0.03, false, CODE);
        List<Algorithm2Reference.Report> reports = new ArrayList<>();
        assertAgrees(run(optimizer(TIMES + ", clip-norm = 1.2, weight-decay = 0.03", 2), ref, DataType.DOUBLE,
                reports));
        assertTrue(reports.stream().anyMatch(Algorithm2Reference.Report::clipped), "clipping never acted");
        assertTrue(reports.stream().anyMatch(r -> !r.clipped()), "clipping always acted");
    }

    @Test
    void decoupledDecayOnTheStoredWeights() {
        Algorithm2Reference ref = reference(1e-7, 1e-5 * TRAINABLE, 0, 0.03, true, CODE);
        assertAgrees(run(optimizer(TIMES + ", weight-decay = 0.03, weight-decay-mode = decoupled", 2), ref,
                DataType.DOUBLE, null));
    }

    @Test
    void zeroDistanceToTheAverageLeavesTheRegularizerOut() {
        // No warm-up: v_0 = w_0; zero gradients at steps 0 and 1 keep w = v, so step 1 (not a reset) sees ‖w − v‖ = 0.
        Algorithm2Reference ref = reference(new Algorithm2Reference.Settings(0.05, 1e-3 * TRAINABLE, 0.99, 0.9, 0, 2,
                20, 2, eta(), 0, false, mask(ParameterRole.WEIGHT), 0, trainableSegments(), CODE));
        Optimizer opt = optimizer("sgd-warmup-epochs = 0, reset-epochs = 10, cubic-regularizer = 0.05, "
                + "repulsive-regularizer-per-parameter = 1e-3", 2);
        List<Algorithm2Reference.Report> reports = new ArrayList<>();
        assertAgrees(compare(opt, ref, DataType.DOUBLE, TOTAL, reports, t -> t < 2));
        assertTrue(reports.get(1).guarded(), "the guard was not exercised");
    }

    @Test
    void fractionalEpochsRoundToTheNearestStep() {
        // 3 steps per epoch: warm-up 1.4 epochs = 4.2 → 4 steps; K = 0.5 epoch = 1.5 → 2 steps; μ's unit 1.5 steps.
        Algorithm2Reference ref = reference(new Algorithm2Reference.Settings(1e-7, 1e-5 * TRAINABLE, 0.99, 0.9, 4,
                1.5, 2, 2, eta(), 0, false, mask(ParameterRole.WEIGHT), 0, trainableSegments(), CODE));
        assertAgrees(run(optimizer("sgd-warmup-epochs = 1.4, reset-epochs = 0.5, momentum-unit-epochs = 0.5", 3), ref,
                DataType.DOUBLE, null));
    }

    /** FLOAT parameters against the double reference: observed worst relative difference 5e−7 over the 44 steps. */
    @Test
    void float32StaysCloseToTheDoubleReference() {
        Algorithm2Reference ref = reference(1e-7, 1e-5 * TRAINABLE, 0, 0, false, CODE);
        List<String> diffs = run(optimizer(TIMES, 2), ref, DataType.FLOAT, null);
        assertTrue(worst(diffs) < 2e-6, "worst relative difference " + worst(diffs));
    }

    /** The readings the issue leaves open are pinned: switching any one of them is seen. */
    @Test
    void eachOpenReadingChangesTheTrajectory() {
        Reading[] others = {
                new Reading(AverageStart.NEUMANN_START, true, false, false),
                new Reading(AverageStart.TRACKED_FROM_START, true, false, false),
                new Reading(AverageStart.FROZEN_THROUGH_WARMUP, false, false, false),
                new Reading(AverageStart.FROZEN_THROUGH_WARMUP, true, true, false),
        };
        for (Reading reading : others) {
            List<String> diffs = run(optimizer(TIMES, 2), reference(1e-7, 1e-5 * TRAINABLE, 0, 0, false, reading),
                    DataType.DOUBLE, null);
            assertTrue(worst(diffs) > 1e3 * TOLERANCE, reading + " is not told apart: worst " + worst(diffs));
        }
    }
}
