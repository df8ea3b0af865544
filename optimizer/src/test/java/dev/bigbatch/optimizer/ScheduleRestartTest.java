package dev.bigbatch.optimizer;

import dev.bigbatch.optimizer.state.OptimizerState;
import dev.bigbatch.optimizer.stats.StepSums;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static dev.bigbatch.optimizer.OptimizerFixtures.config;
import static dev.bigbatch.optimizer.OptimizerFixtures.roundTrip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * {@link Optimizer#restartLearningRateSchedule}: the learning-rate schedule starts again while the rule's own clock
 * (here Adam's bias correction) goes on, and the restart survives a checkpoint.
 */
class ScheduleRestartTest {
    static final String ADAM = "optimizer { name = adam, learning-rate = 0.01, schedule { name = cosine, "
            + "warmup-steps = 3, warmup-start-factor = 0.2 } }";
    static final int N = 12;
    static final TrainingShape SHAPE = new TrainingShape(20, 5, 64);

    static StepSums sums(long step) {
        Random r = new Random(100 + step);
        float[] g = new float[N];
        for (int i = 0; i < N; i++) {
            g[i] = (float) r.nextGaussian();
        }
        StepSums s = new StepSums();
        s.addGradient(Nd4j.createFromArray(g), 1.0);
        s.addExamples(1, 0, 0, 0);
        return s;
    }

    static Optimizer adam() {
        return config(ADAM).create(OptimizerFixtures.weights(N), SHAPE);
    }

    static INDArray run(Optimizer opt, INDArray w, long from, long to) {
        for (long t = from; t < to; t++) {
            opt.step(w, sums(t));
        }
        return w;
    }

    @Test
    void theScheduleStartsAgainAndTheRulesClockGoesOn() {
        Optimizer restarted = adam();
        Optimizer continued = adam();
        INDArray a = run(restarted, Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.FLOAT, N), 0, 6);
        INDArray b = a.dup();
        continued.restore(roundTrip(restarted.state()));
        restarted.restartLearningRateSchedule();
        assertEquals(6, restarted.stepCount());

        INDArray before = a.dup();
        StepReport r = restarted.step(a, sums(6));
        StepReport c = continued.step(b, sums(6));
        // The warm-up's first rate again, where the continued run is on its cosine decay.
        assertEquals(0.2 * 0.01, r.learningRate(), 1e-15);
        assertFalse(Math.abs(c.learningRate() - r.learningRate()) < 1e-6, "rates " + c.learningRate());
        // Adam's Δ = η m̂/(√v̂ + ε) with the same moments and bias correction at t = 7: proportional to η.
        float[] da = before.sub(a).toFloatVector();
        float[] db = before.sub(b).toFloatVector();
        for (int i = 0; i < N; i++) {
            // float rounding of w − Δ and of the subtraction above: ~1e-7 relative to w = 1, i.e. ~1e-5 of Δ
            assertEquals(db[i] * r.learningRate() / c.learningRate(), da[i], 2e-4 * Math.abs(da[i]) + 1e-7,
                    "Δ[" + i + "]");
        }
    }

    @Test
    void theRestartIsPartOfTheStateAndResumesExactly() {
        Optimizer straight = adam();
        INDArray a = run(straight, Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.FLOAT, N), 0, 4);
        straight.restartLearningRateSchedule();
        run(straight, a, 4, 7);
        OptimizerState saved = straight.state();
        assertEquals(4, saved.getLong(UpdateRuleOptimizer.SCHEDULE_ORIGIN));
        INDArray resumedWeights = a.dup();
        run(straight, a, 7, 10);

        Optimizer resumed = adam();
        resumed.restore(roundTrip(saved));
        run(resumed, resumedWeights, 7, 10);
        assertArrayEquals(a.toFloatVector(), resumedWeights.toFloatVector());
        assertEquals(straight.state().getLong("step"), resumed.state().getLong("step"));
    }

    @Test
    void aStateWithoutTheKeyStartsTheScheduleAtZero() {
        Optimizer opt = adam();
        run(opt, Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.FLOAT, N), 0, 2);
        assertFalse(opt.state().longs().containsKey(UpdateRuleOptimizer.SCHEDULE_ORIGIN),
                "states of runs that never restarted the schedule are unchanged");
        Optimizer restored = adam();
        restored.restore(roundTrip(opt.state()));
        assertEquals(opt.step(Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.FLOAT, N), sums(2)).learningRate(),
                restored.step(Nd4j.ones(org.nd4j.linalg.api.buffer.DataType.FLOAT, N), sums(2)).learningRate());
    }
}
