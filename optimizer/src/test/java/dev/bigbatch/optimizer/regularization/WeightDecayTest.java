package dev.bigbatch.optimizer.regularization;

import dev.bigbatch.optimizer.Optimizer;
import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.ParameterRole;
import dev.bigbatch.optimizer.TrainingShape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Random;
import java.util.Set;

import static dev.bigbatch.optimizer.OptimizerFixtures.config;
import static dev.bigbatch.optimizer.OptimizerFixtures.gaussian;
import static dev.bigbatch.optimizer.OptimizerFixtures.layout;
import static dev.bigbatch.optimizer.OptimizerFixtures.sums;
import static dev.bigbatch.optimizer.OptimizerFixtures.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Weight decay applied in place through views of the decayed ranges, against a plain-Java reference: ranges that do
 * not start at offset 0, adjacent weight segments merged into one range, a range that ends the vector, and excluded
 * bias, batch-norm and statistic segments left bit for bit as they were (even when their weights are not finite).
 */
class WeightDecayTest {
    /**
     * Bias first, a weight run, batch norm, two adjacent weight segments, a bias, a weight segment ending the vector.
     * The weight segments are a few hundred long so that BLAS-style kernels run their vectorized (possibly fused
     * multiply-add) loops on them, not only their scalar tails: the exact comparison below then tells them apart.
     */
    static final ParameterLayout LAYOUT = layout(ParameterRole.BIAS, 3, ParameterRole.WEIGHT, 600,
            ParameterRole.NORM_SCALE, 2, ParameterRole.NORM_SHIFT, 2, ParameterRole.NORM_STATISTIC, 4,
            ParameterRole.WEIGHT, 500, ParameterRole.WEIGHT, 400, ParameterRole.BIAS, 2, ParameterRole.WEIGHT, 300);
    static final int N = 1813;
    static final int STATISTICS_START = 607;
    static final int STATISTICS_END = 611;
    static final double LAMBDA = 0.03;
    static final WeightDecay DEFAULT_EXCLUDE = new WeightDecay(LAMBDA, "l2",
            Set.of(ParameterRole.BIAS, ParameterRole.NORM_SCALE, ParameterRole.NORM_SHIFT));

    /** Plain Java: whether entry i of {@link #LAYOUT} is a weight (the only role decayed by default). */
    static boolean isWeight(int i) {
        return i >= 3 && i < 603 || i >= 611 && i < 1511 || i >= 1513;
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT", "DOUBLE"})
    void l2AddsLambdaTimesWeightOnWeightsOnly(DataType type) {
        Random random = new Random(3);
        float[] w = gaussian(random, N, 1.0);
        float[] g = gaussian(random, N, 0.5);
        w[0] = Float.POSITIVE_INFINITY; // an excluded bias: a mask would have turned its gradient into NaN (∞ · 0)
        w[606] = Float.NaN;             // an excluded batch-norm shift
        INDArray gradient = vector(g).castTo(type);
        INDArray params = vector(w).castTo(type);
        DEFAULT_EXCLUDE.addToGradient(gradient, params, DEFAULT_EXCLUDE.decayedRanges(LAYOUT));
        assertArrayEquals(expected(g, w, LAMBDA, type), bits(gradient));
    }

    @ParameterizedTest
    @EnumSource(names = {"FLOAT", "DOUBLE"})
    void decoupledAddsRateTimesLambdaTimesWeightToTheStep(DataType type) {
        WeightDecay decoupled = new WeightDecay(LAMBDA, "decoupled", DEFAULT_EXCLUDE.exclude());
        Random random = new Random(4);
        float[] w = gaussian(random, N, 1.0);
        float[] delta = gaussian(random, N, 0.1);
        INDArray step = vector(delta).castTo(type);
        INDArray params = vector(w).castTo(type);
        double lr = 0.7;
        var ranges = decoupled.decayedRanges(LAYOUT);
        decoupled.addToGradient(step, params, ranges); // l2 only: no effect in decoupled mode
        decoupled.addDecoupled(step, params, ranges, lr);
        assertArrayEquals(expected(delta, w, LAMBDA * lr, type), bits(step));
        assertArrayEquals(w, params.castTo(DataType.FLOAT).toFloatVector(), "the weights themselves are not touched");
    }

    /**
     * The shared step, with a rule whose Δ is ηg (sgd): Δ = η(g + λw) in l2 mode, Δ = ηg + ηλw in decoupled mode, on
     * weights only; statistics take their mean delta; everything else takes ηg.
     */
    @ParameterizedTest
    @ValueSource(strings = {"l2", "decoupled"})
    void theStepDecaysOnlyTheWeightSegments(String mode) {
        double lr = 0.1;
        Optimizer sgd = config("optimizer { name = sgd, learning-rate = " + lr + ", weight-decay = " + LAMBDA
                + ", weight-decay-mode = " + mode + " }").create(LAYOUT, new TrainingShape(10, 10, 1));
        Random random = new Random(5);
        float[] w = gaussian(random, N, 1.0);
        float[] g = gaussian(random, N, 0.5);
        INDArray params = vector(w);
        sgd.step(params, sums(g));
        for (int i = 0; i < N; i++) {
            double expect;
            if (i >= STATISTICS_START && i < STATISTICS_END) {
                expect = w[i] - (double) g[i];
            } else if (!isWeight(i)) {
                expect = w[i] - lr * g[i];
            } else if (mode.equals("l2")) {
                expect = w[i] - lr * (g[i] + LAMBDA * w[i]);
            } else {
                expect = w[i] - (lr * g[i] + lr * LAMBDA * w[i]);
            }
            // float32 arithmetic in ND4J against double here: the error is a few float32 roundings of the operands
            // (~6e−8 relative to |w| + |g|, larger than relative to the result where w − ηg nearly cancels).
            double scale = Math.abs(w[i]) + Math.abs(g[i]);
            assertEquals(expect, params.getDouble(i), 1e-6 * scale, "entry " + i);
        }
    }

    /**
     * y + (α x) rounded as Java rounds it, product then sum, in the arrays' type: the in-place op must give these
     * bits exactly (it replaced y.addi(x.mul(mask).muli(α)), which rounds the same way); non-weights are untouched.
     */
    static long[] expected(float[] y, float[] x, double alpha, DataType type) {
        long[] out = new long[N];
        for (int i = 0; i < N; i++) {
            if (type == DataType.FLOAT) {
                out[i] = Float.floatToRawIntBits(isWeight(i) ? y[i] + (float) alpha * x[i] : y[i]);
            } else {
                out[i] = Double.doubleToRawLongBits(isWeight(i) ? (double) y[i] + alpha * x[i] : y[i]);
            }
        }
        return out;
    }

    static long[] bits(INDArray a) {
        long[] out = new long[N];
        for (int i = 0; i < N; i++) {
            out[i] = a.dataType() == DataType.FLOAT ? Float.floatToRawIntBits(a.getFloat(i))
                    : Double.doubleToRawLongBits(a.getDouble(i));
        }
        return out;
    }
}
