package dev.bigbatch.optimizer.neumann;

import dev.bigbatch.optimizer.Optimizer;
import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.ParameterRole;
import dev.bigbatch.optimizer.StepReport;
import dev.bigbatch.optimizer.state.OptimizerState;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongPredicate;
import java.util.function.LongToDoubleFunction;

import static dev.bigbatch.optimizer.OptimizerFixtures.doubles;
import static dev.bigbatch.optimizer.OptimizerFixtures.layout;
import static dev.bigbatch.optimizer.OptimizerFixtures.sums;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The problem and the step-by-step comparison of {@link NeumannAlgorithm2AuditTest}: a layout of weights, biases,
 * batch-norm scale/shift and two batch-norm running-statistic segments in the middle of the vector, a non-quadratic
 * objective, the learning-rate schedule written out, and a comparison of the optimizer with
 * {@link Algorithm2Reference} after every step.
 */
final class Algorithm2Harness {
    static final ParameterLayout LAYOUT = layout(ParameterRole.WEIGHT, 6, ParameterRole.BIAS, 2,
            ParameterRole.NORM_SCALE, 2, ParameterRole.NORM_SHIFT, 2, ParameterRole.NORM_STATISTIC, 2,
            ParameterRole.NORM_STATISTIC, 2, ParameterRole.WEIGHT, 4, ParameterRole.BIAS, 1);
    static final int N = 21;
    static final int TRAINABLE = 17;
    /** Steps per run: 4 of SGD, then Neumann steps 0–39 with resets at 2, 6, 14 and 30. */
    static final long TOTAL = 44;
    /**
     * DOUBLE parameters: the largest relative difference observed over all quantities and steps is 5.6e−16
     * (rounding of the same operations in another order); the smallest effect the audit must see (α = 1e−7) is 7e−7.
     */
    static final double TOLERANCE = 1e-12;

    private Algorithm2Harness() {
    }

    /** η(t) written out: linear warm-up from 0.2η over 6 steps (global step index), then cosine to 0.005. */
    static LongToDoubleFunction eta() {
        double base = 0.05;
        double min = 0.005;
        long warm = 6;
        long decay = TOTAL - warm;
        return t -> t < warm ? base * (0.2 + 0.8 * t / (double) warm)
                : min + 0.5 * (base - min) * (1 + Math.cos(Math.PI * Math.min(t - warm, decay) / decay));
    }

    static List<String> run(Optimizer opt, Algorithm2Reference ref, DataType type,
                            List<Algorithm2Reference.Report> reports) {
        return compare(opt, ref, type, TOTAL, reports, t -> false);
    }

    static void run(Optimizer opt, Algorithm2Reference ref, DataType type, long steps, List<float[]> gradients) {
        INDArray params = Nd4j.createFromArray(ref.w.clone()).castTo(type);
        for (long t = 0; t < steps; t++) {
            float[] g = gradient(ref.w, t, trainable());
            gradients.add(g);
            ref.step(doubles(g));
            opt.step(params, sums(g));
        }
    }

    /** Steps both and lists every quantity that differs by more than {@link #TOLERANCE} (relative, floor 1). */
    static List<String> compare(Optimizer opt, Algorithm2Reference ref, DataType type, long steps,
                                List<Algorithm2Reference.Report> reports, LongPredicate zero) {
        boolean[] trainable = trainable();
        INDArray params = Nd4j.createFromArray(ref.w.clone()).castTo(type);
        List<String> out = new ArrayList<>();
        for (long t = 0; t < steps; t++) {
            float[] g = zero.test(t) ? new float[N] : gradient(ref.w, t, trainable);
            Algorithm2Reference.Report expect = ref.step(doubles(g));
            if (reports != null) {
                reports.add(expect);
            }
            StepReport got = opt.step(params, sums(g));
            OptimizerState st = opt.state();
            check(out, t, "w", ref.w, doubles(params));
            check(out, t, "w - mu m", ref.evaluation(), doubles(opt.evaluationParameters(params)));
            check(out, t, "lr", new double[]{expect.lr()}, new double[]{got.learningRate()});
            check(out, t, "|g|", new double[]{expect.gradientNorm()}, new double[]{got.gradientNorm()});
            check(out, t, "|update|", new double[]{expect.updateNorm()}, new double[]{got.updateNorm()});
            check(out, t, "m", ref.iterate(), st.hasArray(NeumannOptimizer.ITERATE)
                    ? doubles(st.array(NeumannOptimizer.ITERATE)) : new double[N]);
            check(out, t, "w - v", ref.offset(), st.hasArray(AverageOffset.STATE)
                    ? doubles(st.array(AverageOffset.STATE)) : new double[N]);
            long[] counters = {st.getLong("reset-period"), st.getLong("next-reset"), st.getLong("resets")};
            long[] expected = {ref.period, ref.nextReset, ref.resets};
            if (!Arrays.equals(expected, counters)) {
                out.add("step " + t + " K, next reset, resets: expected " + Arrays.toString(expected) + " got "
                        + Arrays.toString(counters) + " (rel 1)");
            }
        }
        return out;
    }

    static void check(List<String> out, long t, String what, double[] expect, double[] got) {
        double worst = 0;
        int at = 0;
        for (int i = 0; i < expect.length; i++) {
            double e = Math.abs(expect[i] - got[i]) / Math.max(1, Math.abs(expect[i]));
            if (!(e <= worst)) {
                worst = e;
                at = i;
            }
        }
        if (!(worst <= TOLERANCE)) {
            out.add("step " + t + " " + what + "[" + at + "]: expected " + expect[at] + " got " + got[at] + " (rel "
                    + worst + ")");
        }
    }

    static double worst(List<String> diffs) {
        return diffs.stream().mapToDouble(d -> Double.parseDouble(d.substring(d.lastIndexOf("(rel ") + 5,
                d.length() - 1))).max().orElse(0);
    }

    static void assertAgrees(List<String> diffs) {
        assertTrue(diffs.isEmpty(), diffs.size() + " differences, first: " + diffs.subList(0, Math.min(6,
                diffs.size())));
    }

    /**
     * A non-quadratic objective f(w) = Σ a_i (w_i − c_i)²/2 + Σ w_i⁴/40 + 0.15 (Σ w_i)²/2 plus a deterministic
     * step-dependent term standing in for mini-batch noise; for batch-norm statistics the "gradient" is DL4J's delta
     * 0.1 (running − batch) with a moving batch value. Rounded to float, as executors send it.
     */
    static float[] gradient(double[] w, long step, boolean[] trainable) {
        double sum = 0;
        for (int i = 0; i < N; i++) {
            sum += trainable[i] ? w[i] : 0;
        }
        float[] g = new float[N];
        for (int i = 0; i < N; i++) {
            if (trainable[i]) {
                double a = 0.5 + 0.25 * (i % 5);
                double c = 0.3 * Math.cos(0.7 * i);
                g[i] = (float) (a * (w[i] - c) + 0.1 * w[i] * w[i] * w[i] + 0.15 * sum + 0.2 * Math.sin(1.7 * step + i));
            } else {
                g[i] = (float) (0.1 * (w[i] - (0.5 + 0.2 * Math.cos(0.9 * step + i))));
            }
        }
        return g;
    }

    static boolean[] trainable() {
        boolean[] t = new boolean[N];
        for (ParameterRole role : ParameterRole.values()) {
            if (role.trainable()) {
                boolean[] m = mask(role);
                for (int i = 0; i < N; i++) {
                    t[i] |= m[i];
                }
            }
        }
        return t;
    }

    static boolean[] mask(ParameterRole role) {
        boolean[] t = new boolean[N];
        for (ParameterLayout.Segment s : LAYOUT.withRole(role)) {
            Arrays.fill(t, (int) s.offset(), (int) (s.offset() + s.length()), true);
        }
        return t;
    }

    static int[][] trainableSegments() {
        return LAYOUT.segments().stream().filter(s -> s.role().trainable())
                .map(s -> new int[]{(int) s.offset(), (int) (s.offset() + s.length())}).toArray(int[][]::new);
    }
}
