package dev.bigbatch.optimizer.neumann;

import java.util.Arrays;

/**
 * Algorithm 2 of Krishnan et al. 2018 written out plainly in double precision, with v kept as an array (not as an
 * offset) and the norms over the trainable entries [0, trainable): an independent reference for the tests.
 */
final class NeumannReference {
    final int n;
    final int trainable;
    final double alpha;
    final double beta;
    final double gamma;
    final long warmup;
    final double stepsPerUnit;
    final double muMax;
    final int growth;
    final double[] w;
    final double[] v;
    final double[] m;
    long period;
    long next;
    long resets;
    int t;
    double lastMu;

    NeumannReference(double[] w0, int trainable, double alpha, double beta, double gamma, long warmup,
                     double stepsPerUnit, double muMax, long firstPeriod, int growth) {
        this.n = w0.length;
        this.trainable = trainable;
        this.alpha = alpha;
        this.beta = beta;
        this.gamma = gamma;
        this.warmup = warmup;
        this.stepsPerUnit = stepsPerUnit;
        this.muMax = muMax;
        this.growth = growth;
        this.w = w0.clone();
        this.v = w0.clone();
        this.m = new double[n];
        this.period = firstPeriod;
    }

    /** μ(t) = min(μ_max, 1 − 1/(1 + t)), t = 1 + s / steps-per-unit. */
    double mu(long s) {
        return Math.min(muMax, 1 - 1 / (2 + s / stepsPerUnit));
    }

    /** One step with mean gradient g (statistic entries [trainable, n) are running-statistic deltas). */
    void step(double[] g, double lr) {
        for (int i = trainable; i < n; i++) {
            w[i] -= g[i];
        }
        if (t < warmup) {
            for (int i = 0; i < trainable; i++) {
                w[i] -= lr * g[i];
            }
            t++;
            return;
        }
        long s = t - warmup;
        double mu = mu(s);
        double[] d = Arrays.copyOf(g, trainable);
        if (s == 0 || s == next) {
            Arrays.fill(m, 0);
            if (s > 0) {
                resets++;
                period *= growth;
            }
            next = s + period;
        } else {
            double r2 = 0;
            for (int i = 0; i < trainable; i++) {
                r2 += (w[i] - v[i]) * (w[i] - v[i]);
            }
            double r = Math.sqrt(r2);
            if (r > 0) {
                for (int i = 0; i < trainable; i++) {
                    d[i] += (alpha * r2 - beta / r2) * (w[i] - v[i]) / r;
                }
            }
        }
        for (int i = 0; i < trainable; i++) {
            m[i] = mu * m[i] - lr * d[i];
            w[i] = w[i] + mu * m[i] - lr * d[i];
            v[i] = w[i] + gamma * (v[i] - w[i]);
        }
        lastMu = mu;
        t++;
    }

    /** Line 13: w − μ(T) m. */
    double[] result() {
        double[] out = w.clone();
        for (int i = 0; i < trainable; i++) {
            out[i] -= lastMu * m[i];
        }
        return out;
    }

    /** w − v on trainable entries, 0 on statistics (the optimizer's stored offset). */
    double[] offset() {
        double[] e = new double[n];
        for (int i = 0; i < trainable; i++) {
            e[i] = w[i] - v[i];
        }
        return e;
    }
}
