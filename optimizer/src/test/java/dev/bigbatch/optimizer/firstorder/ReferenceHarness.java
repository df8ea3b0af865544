package dev.bigbatch.optimizer.firstorder;

import dev.bigbatch.optimizer.Optimizer;
import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.ParameterRole;
import dev.bigbatch.optimizer.TrainingShape;
import dev.bigbatch.optimizer.state.OptimizerState;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.Random;
import java.util.function.Function;

import static dev.bigbatch.optimizer.OptimizerFixtures.config;
import static dev.bigbatch.optimizer.OptimizerFixtures.doubles;
import static dev.bigbatch.optimizer.OptimizerFixtures.gaussian;
import static dev.bigbatch.optimizer.OptimizerFixtures.layout;
import static dev.bigbatch.optimizer.OptimizerFixtures.sums;
import static dev.bigbatch.optimizer.OptimizerFixtures.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Runs an optimizer and an independent plain-Java reference side by side for several steps on random gradients and
 * compares the weights and the state. The layout holds weights, biases and batch-norm statistics: statistics must
 * receive their mean delta and nothing else, so references see a zero gradient there.
 */
final class ReferenceHarness {
    static final ParameterLayout LAYOUT = layout(ParameterRole.WEIGHT, 5, ParameterRole.BIAS, 2,
            ParameterRole.NORM_STATISTIC, 2);
    static final int N = 9;
    static final int STATISTICS_START = 7;
    static final int STEPS = 6;
    static final long TOTAL_STEPS = 10;
    static final TrainingShape SHAPE = new TrainingShape(TOTAL_STEPS, 5, 1);
    static final double BASE_RATE = 0.05;

    /** A reference rule: returns Δ (w ← w − Δ) for a gradient whose statistic entries are already zero. */
    interface Reference {
        double[] delta(double[] g, double lr, int t);

        /** With the weights before the step, for references of weight decay. */
        default double[] delta(double[] g, double lr, int t, double[] weights) {
            return delta(g, lr, t);
        }

        double[] state();
    }

    private ReferenceHarness() {
    }

    /** The polynomial schedule (power 2, to 0 over the run) written out independently. */
    static double decayingRate(int t) {
        double f = 1 - (double) t / TOTAL_STEPS;
        return BASE_RATE * f * f;
    }

    /** Runs with {@code schedule.name = polynomial}; the state is the ND4J updater's view. */
    static void check(String hocon, Reference ref) {
        check("learning-rate = " + BASE_RATE + ", schedule.name = polynomial, " + hocon, ref,
                s -> doubles(s.array("updater-state")), ReferenceHarness::decayingRate);
    }

    static void check(String hocon, Reference ref, Function<OptimizerState, double[]> state,
                      java.util.function.IntToDoubleFunction rate, String... more) {
        String extra = more.length == 0 ? "" : ", " + String.join(", ", more);
        Optimizer opt = config("optimizer { " + hocon + extra + " }").create(LAYOUT, SHAPE);
        Random random = new Random(42);
        float[] w0 = gaussian(random, N, 1.0);
        INDArray params = vector(w0);
        double[] w = doubles(w0);
        for (int t = 0; t < STEPS; t++) {
            float[] g = gaussian(random, N, 0.5);
            if (t == 2) {
                g[1] = 0; // a zero gradient entry exercises the sign logic of Rprop
            }
            opt.step(params, sums(g));
            double[] gd = doubles(g);
            for (int i = STATISTICS_START; i < N; i++) {
                w[i] -= gd[i];
                gd[i] = 0;
            }
            double[] delta = ref.delta(gd, rate.applyAsDouble(t), t, w.clone());
            for (int i = 0; i < STATISTICS_START; i++) {
                w[i] -= delta[i];
            }
        }
        assertClose(w, doubles(params), "weights");
        assertClose(ref.state(), state.apply(opt.state()), "state");
        assertEquals(STEPS, opt.state().getLong("step"));
    }

    /** Float32 arithmetic in ND4J vs double here: errors of ~1e−7 relative were observed; 2e−5 leaves margin. */
    static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            double tol = 2e-5 * Math.abs(expected[i]) + 1e-9;
            assertEquals(expected[i], actual[i], tol, what + "[" + i + "] of " + Arrays.toString(actual));
        }
    }

    static double[] concat(double[] a, double[] b) {
        double[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    static double[] filled(double value) {
        double[] a = new double[N];
        Arrays.fill(a, value);
        return a;
    }
}
