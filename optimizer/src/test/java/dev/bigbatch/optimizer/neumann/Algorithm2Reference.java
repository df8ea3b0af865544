package dev.bigbatch.optimizer.neumann;

import java.util.function.LongToDoubleFunction;

/**
 * Algorithm 2 of Krishnan, Xiao &amp; Saurous (ICLR 2018), the single-loop Neumann optimizer, in plain Java doubles,
 * written for the audit from the project issue's wording only (not from {@link NeumannReference} nor the code):
 * <pre>
 *   d_t = ∇f̂ + (α‖w−v‖² − β/‖w−v‖²)(w−v)/‖w−v‖       (0 when ‖w−v‖ = 0)
 *   m_t = μ(t) m_{t−1} − η(t) d_t
 *   w_t = w_{t−1} + μ(t) m_t − η(t) d_t
 *   v_t = w_t + γ(v_{t−1} − w_t)
 * </pre>
 * after {@code warmupSteps} of plain SGD w ← w − η(t)ḡ. Norms are over all trainable entries together. At the first
 * Neumann step m = 0; m is set to 0 before m_t is formed at Neumann steps K, K + 2K, ... (K the first period,
 * multiplied by {@code growth} after each reset). μ(t) = min(μ_max, 1 − 1/(1 + t)) with t = 1 + n / unitSteps, n the
 * 0-based Neumann step. Evaluation weights: w − μ(t) m with the μ of the last step.
 *
 * <p>Where the issue leaves room, {@link Reading} switches between readings: where v starts, whether a reset step (and
 * the first Neumann step) drops the regularizer from d_t, and whether μ's t is whole units or continuous.
 *
 * <p>Batch-norm statistic entries ({@code trainable[i] == false}) take w_i ← w_i − ḡ_i and nothing else. The shared
 * first-order step around the rule is applied as docs/CONFIG.md documents it for every optimizer: global-norm clipping
 * of ḡ, then L2 decay ḡ + λw before the rule, or decoupled decay w ← w − η(t)λw_{t−1} after it.
 */
final class Algorithm2Reference {
    /** Where v starts. */
    enum AverageStart {
        /** v = w at the first Neumann step, so ‖w − v‖ = 0 there. */
        NEUMANN_START,
        /** v_0 = w_0 before the SGD warm-up and not moved by it (Algorithm 2's listing read literally). */
        FROZEN_THROUGH_WARMUP,
        /** v_0 = w_0, and line 12 also runs during the warm-up. */
        TRACKED_FROM_START
    }

    /**
     * @param average           where v starts
     * @param resetDropsRegularizer a reset step (and the first Neumann step) takes d_t = ∇f̂, the listing's
     *                          m_t = −η∇f̂
     * @param wholeUnits        μ's t = 1 + ⌊n / unitSteps⌋ instead of 1 + n / unitSteps
     * @param perTensorNorms    a wrong variant, for sensitivity checks: ‖w − v‖ per segment instead of over all
     */
    record Reading(AverageStart average, boolean resetDropsRegularizer, boolean wholeUnits, boolean perTensorNorms) {
    }

    record Settings(double alpha, double beta, double gamma, double muMax, long warmupSteps, double unitSteps,
                    long firstPeriod, int growth, LongToDoubleFunction eta, double decay, boolean decoupled,
                    boolean[] decayed, double clip, int[][] trainableSegments, Reading reading) {
    }

    /** What one step did; {@code clipped} and {@code guarded} say whether clipping and the ‖w − v‖ = 0 guard acted. */
    record Report(double lr, double gradientNorm, double updateNorm, double mu, boolean clipped, boolean guarded) {
    }

    private final Settings s;
    private final boolean[] trainable;
    final double[] w;
    double[] m;
    double[] v;
    long step;
    long period;
    long nextReset;
    long resets;
    double lastMu;
    private boolean guarded;

    Algorithm2Reference(Settings s, boolean[] trainable, double[] w0) {
        this.s = s;
        this.trainable = trainable.clone();
        this.w = w0.clone();
        if (s.reading.average() != AverageStart.NEUMANN_START) {
            v = w0.clone();
        }
    }

    Report step(double[] gradient) {
        int n = w.length;
        double[] g = gradient.clone();
        for (int i = 0; i < n; i++) {
            if (!trainable[i]) {
                w[i] -= g[i];
                g[i] = 0;
            }
        }
        double gNorm = Math.sqrt(dot(g, g));
        boolean clipped = s.clip > 0 && gNorm > s.clip;
        guarded = false;
        if (clipped) {
            for (int i = 0; i < n; i++) {
                g[i] *= s.clip / gNorm;
            }
        }
        for (int i = 0; i < n; i++) {
            if (s.decayed[i] && !s.decoupled) {
                g[i] += s.decay * w[i];
            }
        }
        double eta = s.eta.applyAsDouble(step);
        double[] delta = new double[n];
        if (step < s.warmupSteps) {
            for (int i = 0; i < n; i++) {
                delta[i] = trainable[i] ? -eta * g[i] : 0;
            }
            lastMu = 0;
        } else {
            long k = step - s.warmupSteps;
            boolean reset = k == 0;
            if (k == 0) {
                m = new double[n];
                if (v == null) {
                    v = w.clone();
                }
                period = s.firstPeriod;
                nextReset = s.firstPeriod;
            }
            if (k == nextReset) {
                reset = true;
                java.util.Arrays.fill(m, 0);
                resets++;
                period *= s.growth;
                nextReset += period;
            }
            double units = s.reading.wholeUnits() ? Math.floor(k / s.unitSteps) : k / s.unitSteps;
            double mu = Math.min(s.muMax, 1 - 1.0 / (1 + 1 + units));
            double[] d = reset && s.reading.resetDropsRegularizer() ? g : direction(g);
            for (int i = 0; i < n; i++) {
                if (trainable[i]) {
                    m[i] = mu * m[i] - eta * d[i];
                    delta[i] = mu * m[i] - eta * d[i];
                }
            }
            lastMu = mu;
        }
        for (int i = 0; i < n; i++) {
            if (s.decayed[i] && s.decoupled) {
                delta[i] -= eta * s.decay * w[i];
            }
            w[i] += delta[i];
            boolean moves = step >= s.warmupSteps || s.reading.average() == AverageStart.TRACKED_FROM_START;
            if (v != null && trainable[i] && moves) {
                v[i] = w[i] + s.gamma * (v[i] - w[i]);
            }
        }
        step++;
        return new Report(eta, gNorm, Math.sqrt(dot(delta, delta)), lastMu, clipped, guarded);
    }

    /** d = g + (α‖r‖² − β/‖r‖²) r/‖r‖ with r = w − v over trainable entries; the term is 0 where ‖r‖ = 0. */
    private double[] direction(double[] g) {
        double[] d = g.clone();
        double[] r = offset();
        int[][] groups = s.reading.perTensorNorms() ? s.trainableSegments : new int[][]{{0, w.length}};
        for (int[] seg : groups) {
            double sq = 0;
            for (int i = seg[0]; i < seg[1]; i++) {
                sq += r[i] * r[i];
            }
            double norm = Math.sqrt(sq);
            if (norm == 0) {
                guarded = true;
                continue;
            }
            double scale = (s.alpha * sq - s.beta / sq) / norm;
            for (int i = seg[0]; i < seg[1]; i++) {
                d[i] += scale * r[i];
            }
        }
        return d;
    }

    /** w − v on trainable entries, 0 elsewhere (and everywhere before v exists). */
    double[] offset() {
        double[] r = new double[w.length];
        if (v != null) {
            for (int i = 0; i < w.length; i++) {
                r[i] = trainable[i] ? w[i] - v[i] : 0;
            }
        }
        return r;
    }

    /** w − μ(t) m, μ of the last step taken. */
    double[] evaluation() {
        double[] e = w.clone();
        if (m != null) {
            for (int i = 0; i < e.length; i++) {
                e[i] -= lastMu * m[i];
            }
        }
        return e;
    }

    double[] iterate() {
        return m == null ? new double[w.length] : m.clone();
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
