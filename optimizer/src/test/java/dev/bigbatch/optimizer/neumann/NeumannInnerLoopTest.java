package dev.bigbatch.optimizer.neumann;

import dev.bigbatch.optimizer.OptimizerFixtures;
import dev.bigbatch.optimizer.ParameterRole;
import dev.bigbatch.optimizer.Quadratic;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.EnumSet;
import java.util.Random;

import static dev.bigbatch.optimizer.OptimizerFixtures.doubles;
import static dev.bigbatch.optimizer.OptimizerFixtures.weights;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The inner Neumann iteration on a convex quadratic: it solves for the (damped) Newton direction. */
class NeumannInnerLoopTest {
    static final Quadratic Q = new Quadratic(6, 10, 3);
    /** ‖ηH‖ = 0.9 &lt; 1: the Neumann series for (ηH)⁻¹ converges. */
    static final double ETA = 0.9 / Q.largestEigenvalue;
    static final double[] W = {0.3, -1.2, 0.5, 2.0, -0.7, 0.1};

    static double[] iterate(double mu, int iterations) {
        NeumannInnerLoop loop = new NeumannInnerLoop(mu, ETA, iterations, new NeumannRegularizer(0, 0), 0,
                EnumSet.noneOf(ParameterRole.class), new float[Q.n]);
        INDArray base = Nd4j.createFromArray(toFloats(W));
        return doubles(loop.iterate(base, Nd4j.zeros(base.dataType(), Q.n), weights(Q.n), null, Q::gradient));
    }

    static double relativeError(double[] x, double[] target) {
        double e = 0, t = 0;
        for (int i = 0; i < x.length; i++) {
            e += (x[i] - target[i]) * (x[i] - target[i]);
            t += target[i] * target[i];
        }
        return Math.sqrt(e / t);
    }

    @Test
    void withMomentumOneTheIterateApproachesTheNewtonDirection() {
        double[] g = Q.gradient(W);
        double[] newton = Quadratic.solve(Q.a, negate(g));
        double previous = Double.POSITIVE_INFINITY;
        for (int k : new int[]{1, 10, 50, 400}) {
            double err = relativeError(iterate(1.0, k), newton);
            assertTrue(err < previous, "error must shrink with more iterations: " + err + " after " + k);
            previous = err;
        }
        // Contraction 1 − ηλ_min = 0.91 per iteration; float32 leaves ~1e−6; observed well below 1e−5.
        assertTrue(previous < 1e-5, "relative distance to −H⁻¹g after 400 iterations: " + previous);
    }

    @Test
    void withMomentumBelowOneItSolvesThePapersDampedSystem() {
        double mu = 0.9;
        double[] g = Q.gradient(W);
        // Fixed point of m = μ(I − ηH)m − ηg:  ((1 − μ)I + μηH) m = −ηg  (the paper's B̂, §3.1)
        double[][] bHat = new double[Q.n][Q.n];
        double[] rhs = new double[Q.n];
        for (int i = 0; i < Q.n; i++) {
            for (int j = 0; j < Q.n; j++) {
                bHat[i][j] = mu * ETA * Q.a[i][j] + (i == j ? 1 - mu : 0);
            }
            rhs[i] = -ETA * g[i];
        }
        double err = relativeError(iterate(mu, 200), Quadratic.solve(bHat, rhs));
        assertTrue(err < 1e-5, "relative distance to the damped Newton direction: " + err);
    }

    /**
     * The inner loop runs K_inner times per ghost batch on every executor: apart from the gradient it is given, an
     * iteration allocates no parameter-sized array (μm and w + μm go into buffers allocated once per call).
     */
    @Test
    void anIterationAllocatesNoParameterSizedArrayBesidesTheGradient() {
        int n = 10_000;
        Random random = new Random(8);
        float[] offset = OptimizerFixtures.gaussian(random, n, 0.1);
        INDArray base = Nd4j.createFromArray(OptimizerFixtures.gaussian(random, n, 1.0));
        INDArray e = Nd4j.createFromArray(offset);
        long[] bytes = new long[2];
        int[] iterations = {1, 5};
        for (int i = 0; i < 2; i++) {
            // decay, the regularizer and a statistics segment on, so that every step of an iteration runs
            NeumannInnerLoop loop = new NeumannInnerLoop(0.9, 0.05, iterations[i], new NeumannRegularizer(0.01, 1e-5),
                    1e-3, EnumSet.of(ParameterRole.WEIGHT), offset);
            bytes[i] = OptimizerFixtures.allocatedBytes(() -> loop.iterate(base, e, OptimizerFixtures.layout(
                    ParameterRole.WEIGHT, n - 100, ParameterRole.NORM_STATISTIC, 100), null, w -> w.dup()));
        }
        long perIteration = (bytes[1] - bytes[0]) / (iterations[1] - iterations[0]);
        long gradient = (long) Float.BYTES * n;
        // Observed: the gradient plus 32 bytes of scalars (the regularizer's norm); before the buffers, 3 gradients.
        assertTrue(perIteration >= gradient && perIteration < gradient + gradient / 2,
                "bytes per iteration " + perIteration + ", gradient " + gradient);
    }

    static double[] negate(double[] v) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = -v[i];
        }
        return out;
    }

    static float[] toFloats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}
