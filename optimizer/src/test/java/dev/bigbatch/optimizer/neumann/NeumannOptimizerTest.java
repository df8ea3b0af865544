package dev.bigbatch.optimizer.neumann;

import dev.bigbatch.optimizer.Optimizer;
import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.ParameterRole;
import dev.bigbatch.optimizer.TrainingShape;
import dev.bigbatch.optimizer.state.OptimizerState;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.Random;

import static dev.bigbatch.optimizer.OptimizerFixtures.config;
import static dev.bigbatch.optimizer.OptimizerFixtures.doubles;
import static dev.bigbatch.optimizer.OptimizerFixtures.gaussian;
import static dev.bigbatch.optimizer.OptimizerFixtures.layout;
import static dev.bigbatch.optimizer.OptimizerFixtures.sums;
import static dev.bigbatch.optimizer.OptimizerFixtures.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The single-loop Neumann optimizer (Algorithm 2) against {@link NeumannReference}, and its special cases. */
class NeumannOptimizerTest {
    /** Two weight tensors, a bias and batch-norm statistics: norms must span the first three together. */
    static final ParameterLayout LAYOUT = layout(ParameterRole.WEIGHT, 4, ParameterRole.WEIGHT, 3,
            ParameterRole.BIAS, 2, ParameterRole.NORM_STATISTIC, 2);
    static final int N = 11;
    static final int TRAINABLE = 9;
    static final int STEPS_PER_EPOCH = 2;
    static final int TOTAL = 16;
    static final double RATE = 0.05;
    static final double ALPHA = 1.0;
    static final double BETA_PER_PARAMETER = 1e-4;
    static final double GAMMA = 0.8;
    /**
     * Warm-up 1 epoch = 2 steps; μ's unit 0.5 epoch = 1 step (μ changes every step); K starts at 1.5 epochs = 3 steps
     * and doubles: Neumann steps 0 (start), 3 and 9 reset m.
     */
    static final String HOCON = "optimizer { name = neumann, learning-rate = " + RATE + ", schedule.name = polynomial, "
            + "cubic-regularizer = " + ALPHA + ", repulsive-regularizer-per-parameter = " + BETA_PER_PARAMETER
            + ", moving-average = " + GAMMA + ", sgd-warmup-epochs = 1, momentum-unit-epochs = 0.5, reset-epochs = 1.5 }";
    static final TrainingShape SHAPE = new TrainingShape(TOTAL, STEPS_PER_EPOCH, 1);

    static double rate(int t) {
        double f = 1 - (double) t / TOTAL;
        return RATE * f * f;
    }

    static NeumannReference reference(float[] w0) {
        return new NeumannReference(doubles(w0), TRAINABLE, ALPHA, BETA_PER_PARAMETER * TRAINABLE, GAMMA, 2, 1, 0.9,
                3, 2);
    }

    @Test
    void matchesAlgorithm2StepByStepWithResetsAndTheReturnedWeights() {
        NeumannOptimizer opt = (NeumannOptimizer) config(HOCON).create(LAYOUT, SHAPE);
        Random random = new Random(7);
        float[] w0 = gaussian(random, N, 1.0);
        INDArray params = vector(w0);
        NeumannReference ref = reference(w0);
        long[] expectedResets = {0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2};
        long[] expectedPeriod = {0, 0, 3, 3, 3, 6, 6, 6, 6, 6, 6, 12, 12, 12, 12, 12};
        for (int t = 0; t < TOTAL; t++) {
            float[] g = gaussian(random, N, 0.5);
            opt.step(params, sums(g));
            ref.step(doubles(g), rate(t));
            assertClose(ref.w, doubles(params), "w at step " + t);
            assertClose(ref.offset(), doubles(opt.state().array(AverageOffset.STATE)), "w - v at step " + t);
            assertEquals(expectedResets[t], opt.resets(), "resets after step " + t);
            assertEquals(expectedPeriod[t], opt.resetPeriod(), "K after step " + t);
            if (t >= 2) {
                assertClose(ref.m, doubles(opt.state().array(NeumannOptimizer.ITERATE)), "m at step " + t);
                assertClose(ref.result(), doubles(opt.evaluationParameters(params)), "w - mu m at step " + t);
            }
        }
    }

    @Test
    void aResetRestartsTheIterateFromTheGradientAlone() {
        NeumannOptimizer opt = (NeumannOptimizer) config(HOCON).create(LAYOUT, SHAPE);
        Random random = new Random(11);
        INDArray params = vector(gaussian(random, N, 1.0));
        for (int t = 0; t < 6; t++) {
            float[] g = gaussian(random, N, 0.5);
            opt.step(params, sums(g));
            if (t == 2 || t == 5) { // Neumann steps 0 and 3: line 7, m_t = −η ∇f̂
                double[] m = doubles(opt.state().array(NeumannOptimizer.ITERATE));
                for (int i = 0; i < TRAINABLE; i++) {
                    assertEquals(-rate(t) * g[i], m[i], 1e-7, "m[" + i + "] after the reset at step " + t);
                }
            }
        }
    }

    @Test
    void evaluatesTheUndisplacedWeightsOnlyAfterNeumannSteps() {
        Optimizer opt = config(HOCON).create(LAYOUT, SHAPE);
        Random random = new Random(3);
        INDArray params = vector(gaussian(random, N, 1.0));
        opt.step(params, sums(gaussian(random, N, 0.5)));
        assertSame(params, opt.evaluationParameters(params), "SGD warm-up: nothing to correct");
        for (int t = 1; t < 5; t++) {
            opt.step(params, sums(gaussian(random, N, 0.5)));
        }
        INDArray before = params.dup();
        INDArray evaluated = opt.evaluationParameters(params);
        assertEquals(before, params, "evaluationParameters must not modify the stored weights");
        OptimizerState s = opt.state();
        double mu = 1 - 1 / (2 + (5 - 1 - 2) / 1.0); // Neumann step 2, t = 3: μ = 0.75
        double[] m = doubles(s.array(NeumannOptimizer.ITERATE));
        double[] w = doubles(params);
        double[] e = doubles(evaluated);
        for (int i = 0; i < N; i++) {
            assertEquals(w[i] - mu * m[i], e[i], 1e-6, "w - mu m at " + i);
        }
        assertNotEquals(Arrays.toString(w), Arrays.toString(e), "the displaced weights are not the result");
    }

    @Test
    void zeroDistanceToTheAverageLeavesTheRegularizerOut() {
        // No warm-up, K = 10 epochs: step 0 starts the iterate; a zero gradient keeps w = v, so step 1 sees r = 0.
        Optimizer opt = config("optimizer { name = neumann, learning-rate = 0.1, sgd-warmup-epochs = 0, "
                + "cubic-regularizer = 0.5, repulsive-regularizer-per-parameter = 0.01 }").create(LAYOUT, SHAPE);
        INDArray params = vector(gaussian(new Random(5), N, 1.0));
        float[] w0 = params.toFloatVector();
        opt.step(params, sums(new float[N]));
        assertArrayEquals(w0, params.toFloatVector(), "a zero gradient moves nothing");
        float[] g = gaussian(new Random(6), N, 0.5);
        opt.step(params, sums(g));
        double mu = 1 - 1 / (2 + 1.0 / STEPS_PER_EPOCH);
        float[] w = params.toFloatVector();
        for (int i = 0; i < TRAINABLE; i++) {
            assertTrue(Float.isFinite(w[i]));
            double m = -0.1 * g[i];
            assertEquals(w0[i] + mu * m - 0.1 * g[i], w[i], 1e-6, "plain momentum step at " + i);
        }
    }

    @Test
    void betaCountsTrainableParametersOnly() {
        NeumannConfig c = (NeumannConfig) config("optimizer { name = neumann }");
        assertEquals(NeumannConfig.DEFAULT_REPULSIVE_PER_PARAMETER * TRAINABLE, c.repulsive(LAYOUT), 1e-18);
    }

    /**
     * Float32 arithmetic vs double over 16 steps: the test passes at 1e−6 relative; leaving out α or the β scaling
     * changes w by ~3e−4, so 1e−5 separates the two with margin on both sides.
     */
    static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * Math.abs(expected[i]) + 1e-7, what + " [" + i + "]");
        }
    }
}
