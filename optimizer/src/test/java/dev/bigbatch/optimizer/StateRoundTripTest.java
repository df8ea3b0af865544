package dev.bigbatch.optimizer;

import dev.bigbatch.optimizer.state.OptimizerState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Random;

import static dev.bigbatch.optimizer.OptimizerFixtures.config;
import static dev.bigbatch.optimizer.OptimizerFixtures.gaussian;
import static dev.bigbatch.optimizer.OptimizerFixtures.layout;
import static dev.bigbatch.optimizer.OptimizerFixtures.roundTrip;
import static dev.bigbatch.optimizer.OptimizerFixtures.sums;
import static dev.bigbatch.optimizer.OptimizerFixtures.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * For every optimizer: state written to checkpoint bytes and restored into a fresh optimizer, then stepped, gives the
 * same bits as never stopping, at several stopping points (before any step, inside Neumann's SGD warm-up, around
 * its resets). The two-loop Neumann mode has its own round trip in {@code TwoLoopNeumannTest}.
 */
class StateRoundTripTest {
    static final ParameterLayout LAYOUT = layout(ParameterRole.WEIGHT, 6, ParameterRole.BIAS, 2,
            ParameterRole.NORM_STATISTIC, 2);
    static final int STEPS = 8;
    /** 2 steps per epoch: Neumann warms up for steps 0–1, starts m at 2, resets at 4 (K = 2) and 8 (K = 4). */
    static final TrainingShape SHAPE = new TrainingShape(STEPS, 2, 1);

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "sgd | ",
            "momentum | ",
            "nesterov | ",
            "rprop | ",
            "adagrad | ",
            "rmsprop | ",
            "adadelta | ",
            "adam | weight-decay = 0.01, weight-decay-mode = decoupled",
            "adamax | ",
            "adagrad-norm | ",
            "neumann | sgd-warmup-epochs = 1, reset-epochs = 1, schedule.name = cosine",
    })
    void restoreThenStepEqualsNeverStopping(String name, String settings) {
        String hocon = "optimizer { name = " + name + (settings == null ? "" : ", " + settings) + " }";
        float[][] gradients = new float[STEPS][];
        Random random = new Random(21);
        float[] w0 = gaussian(random, (int) LAYOUT.size(), 1.0);
        for (int t = 0; t < STEPS; t++) {
            gradients[t] = gaussian(random, (int) LAYOUT.size(), 0.5);
        }
        Optimizer straight = config(hocon).create(LAYOUT, SHAPE);
        INDArray expected = run(straight, vector(w0), gradients, 0, STEPS);
        for (int stop : new int[]{0, 1, 3, 4, 6}) {
            Optimizer first = config(hocon).create(LAYOUT, SHAPE);
            INDArray w = run(first, vector(w0), gradients, 0, stop);
            Optimizer resumed = config(hocon).create(LAYOUT, SHAPE);
            resumed.restore(roundTrip(first.state()));
            run(resumed, w, gradients, stop, STEPS);
            assertArrayEquals(expected.toFloatVector(), w.toFloatVector(), name + " weights, stopped at " + stop);
            assertArrayEquals(straight.evaluationParameters(expected).toFloatVector(),
                    resumed.evaluationParameters(w).toFloatVector(), name + " evaluated weights, stopped at " + stop);
            assertSameState(straight.state(), resumed.state(), name + " stopped at " + stop);
        }
    }

    /**
     * Entries the rule does not use are refused by name, as unknown config keys are: the state of a differently
     * configured optimizer of the same name must not be half restored.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"sgd", "momentum", "rprop", "adam", "adagrad-norm", "neumann"})
    void aStateWithEntriesTheRuleDoesNotUseIsRefused(String name) {
        String hocon = "optimizer { name = " + name + " }";
        Optimizer first = config(hocon).create(LAYOUT, SHAPE);
        run(first, vector(gaussian(new Random(3), (int) LAYOUT.size(), 1.0)), new float[][]{
                gaussian(new Random(4), (int) LAYOUT.size(), 0.5)}, 0, 1);
        OptimizerState state = roundTrip(first.state());
        config(hocon).create(LAYOUT, SHAPE).restore(state);
        for (OptimizerState extra : new OptimizerState[]{
                roundTrip(first.state()).put("stray-array", vector(new float[]{1, 2})),
                roundTrip(first.state()).put("stray-count", 3L),
                roundTrip(first.state()).put("stray-number", 0.5)}) {
            String stray = extra.arrays().containsKey("stray-array") ? "stray-array"
                    : extra.longs().containsKey("stray-count") ? "stray-count" : "stray-number";
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> config(hocon).create(LAYOUT, SHAPE).restore(extra));
            assertTrue(e.getMessage().contains("does not use: [" + stray + "]"), e.getMessage());
        }
    }

    static INDArray run(Optimizer opt, INDArray w, float[][] gradients, int from, int to) {
        for (int t = from; t < to; t++) {
            opt.step(w, sums(gradients[t]));
        }
        return w;
    }

    static void assertSameState(OptimizerState a, OptimizerState b, String what) {
        assertEquals(a.optimizer(), b.optimizer());
        assertEquals(a.longs(), b.longs(), what);
        assertEquals(a.doubles().keySet(), b.doubles().keySet(), what);
        a.doubles().forEach((k, v) -> assertEquals(Double.doubleToRawLongBits(v),
                Double.doubleToRawLongBits(b.getDouble(k)), what + " " + k));
        assertEquals(a.arrays().keySet(), b.arrays().keySet(), what);
        a.arrays().forEach((k, v) -> assertArrayEquals(v.toFloatVector(), b.array(k).toFloatVector(), what + " " + k));
    }
}
