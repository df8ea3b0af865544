package dev.bigbatch.optimizer;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Random;

import static dev.bigbatch.optimizer.OptimizerFixtures.config;
import static dev.bigbatch.optimizer.OptimizerFixtures.gaussian;
import static dev.bigbatch.optimizer.OptimizerFixtures.roundTrip;
import static dev.bigbatch.optimizer.OptimizerFixtures.sums;
import static dev.bigbatch.optimizer.OptimizerFixtures.vector;
import static dev.bigbatch.optimizer.OptimizerFixtures.weights;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link Optimizer#alignSchedule}: a carried optimizer state keeps its own step count while the learning rate follows
 * the new run's schedule from its step 0, and a resumed warm-started run continues bit-exactly.
 */
class ScheduleAlignmentTest {
    private static final ParameterLayout LAYOUT = weights(5);
    /** Cosine over 6 steps: η_t = 0.1 · ½(1 + cos(π t / 6)), 0 at t = 6 and beyond. */
    private static final String COSINE = "optimizer { name = momentum, learning-rate = 0.1, schedule.name = cosine }";
    private static final TrainingShape SHAPE = new TrainingShape(6, 6, 1);

    private static double cosine(long t) {
        return 0.1 * 0.5 * (1 + Math.cos(Math.PI * Math.min(t, 6) / 6));
    }

    @Test
    void aCarriedStateFollowsTheNewRunsScheduleAndKeepsItsOwnStepCount() {
        Random random = new Random(5);
        float[][] g = new float[9][];
        for (int t = 0; t < g.length; t++) {
            g[t] = gaussian(random, 5, 1.0);
        }
        // The earlier run: all 6 steps of its schedule, which ends at η = 0.
        Optimizer earlier = config(COSINE).create(LAYOUT, SHAPE);
        INDArray w = vector(gaussian(random, 5, 1.0));
        for (int t = 0; t < 6; t++) {
            earlier.step(w, sums(g[t]));
        }
        // Without alignment the carried state would go on at η_6 = 0 and never move the weights.
        Optimizer carried = config(COSINE).create(LAYOUT, SHAPE);
        carried.restore(roundTrip(earlier.state()));
        carried.alignSchedule(0);
        for (int t = 0; t < 2; t++) {
            float[] before = w.toFloatVector();
            StepReport r = carried.step(w, sums(g[6 + t]));
            assertEquals(cosine(t), r.learningRate(), 1e-15, "step " + t + " of the new run");
            assertEquals(7 + t, carried.stepCount(), "the state's own count goes on");
            assertEquals(7 + t, carried.state().getLong("step"));
            assertEquals(r.learningRate() > 0, !java.util.Arrays.equals(before, w.toFloatVector()));
        }
        // The warm-started run, stopped after its step 2 and resumed: the same bits as not stopping.
        INDArray resumedW = w.dup();
        Optimizer resumed = config(COSINE).create(LAYOUT, SHAPE);
        resumed.restore(roundTrip(carried.state()));
        resumed.alignSchedule(2);
        StepReport straight = carried.step(w, sums(g[8]));
        StepReport again = resumed.step(resumedW, sums(g[8]));
        assertEquals(cosine(2), straight.learningRate(), 1e-15);
        assertEquals(straight.learningRate(), again.learningRate(), 0.0);
        assertArrayEquals(w.toFloatVector(), resumedW.toFloatVector());
        StateRoundTripTest.assertSameState(carried.state(), resumed.state(), "resumed warm-started run");
    }

    @Test
    void restoreStartsUnalignedAndAStepBeyondTheStateIsRefused() {
        Optimizer earlier = config(COSINE).create(LAYOUT, SHAPE);
        INDArray w = vector(new float[5]);
        for (int t = 0; t < 3; t++) {
            earlier.step(w, sums(new float[]{1, 2, 3, 4, 5}));
        }
        Optimizer o = config(COSINE).create(LAYOUT, SHAPE);
        o.restore(earlier.state());
        o.alignSchedule(0);
        o.restore(earlier.state());
        assertEquals(cosine(3), o.step(w, sums(new float[5])).learningRate(), 1e-15, "a plain resume");
        assertThrows(IllegalArgumentException.class, () -> o.alignSchedule(5));
        assertThrows(IllegalArgumentException.class, () -> o.alignSchedule(-1));
    }
}
