package dev.bigbatch.optimizer.firstorder;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.bigbatch.optimizer.OptimizerFixtures.doubles;
import static dev.bigbatch.optimizer.firstorder.ReferenceHarness.BASE_RATE;
import static dev.bigbatch.optimizer.firstorder.ReferenceHarness.N;
import static dev.bigbatch.optimizer.firstorder.ReferenceHarness.Reference;
import static dev.bigbatch.optimizer.firstorder.ReferenceHarness.check;
import static dev.bigbatch.optimizer.firstorder.ReferenceHarness.concat;
import static dev.bigbatch.optimizer.firstorder.ReferenceHarness.filled;

/**
 * The rules written here (ND4J has none): Rprop and AdaGrad-Norm against plain-Java references, and the shared
 * weight decay and clipping of the first-order step, checked on Adam (L2 and decoupled = AdamW).
 */
class OwnRuleReferenceTest {

    /** The second row has η− and η+ − 1 at the smallest values the config accepts (1e-6), below ND4J's 1e-5 equality tolerance. */
    @ParameterizedTest
    @CsvSource({"1.3, 0.4", "1.000001, 0.000001", "10, 0.999999"})
    void rpropMatchesIgelHuskenIRpropMinus(double up, double down) {
        double max = 0.3, min = 0.02, initial = 0.1;
        check("name = rprop, learning-rate = " + initial + ", increase = " + up + ", decrease = " + down
                + ", max-step = " + max + ", min-step = " + min, new Reference() {
            final double[] step = filled(initial), previous = new double[N];

            public double[] delta(double[] g, double lr, int t) {
                double[] d = new double[N];
                for (int i = 0; i < N; i++) {
                    double s = previous[i] * g[i];
                    double gi = g[i];
                    if (s > 0) {
                        step[i] = Math.min(step[i] * up, max);
                    } else if (s < 0) {
                        step[i] = Math.max(step[i] * down, min);
                        gi = 0;
                    }
                    d[i] = Math.signum(gi) * step[i];
                    previous[i] = gi;
                }
                return d;
            }

            public double[] state() {
                return concat(step, previous);
            }
        }, s -> concat(doubles(s.array("step-sizes")), doubles(s.array("previous-gradient"))), t -> initial);
    }

    /** {@code MomentumSgd} (heavy ball, Goyal et al. 2017 eq. 9–10). */
    @Test
    void heavyBallMatchesGoyalEtAlEquations9And10() {
        double mu = 0.8;
        check("name = momentum, momentum = " + mu, new Reference() {
            final double[] u = new double[N];

            public double[] delta(double[] g, double lr, int t) {
                double[] d = new double[N];
                for (int i = 0; i < N; i++) {
                    u[i] = mu * u[i] + g[i];
                    d[i] = lr * u[i];
                }
                return d;
            }

            public double[] state() {
                return u;
            }
        }, s -> doubles(s.array("velocity")), ReferenceHarness::decayingRate,
                "learning-rate = " + BASE_RATE + ", schedule.name = polynomial");
    }

    @Test
    void adaGradNormMatchesWardWuBottouAlgorithm1() {
        double b0 = 0.3;
        check("name = adagrad-norm, learning-rate = " + BASE_RATE + ", initial-scale = " + b0, new Reference() {
            double b2 = b0 * b0;

            public double[] delta(double[] g, double lr, int t) {
                double sq = 0;
                for (double v : g) {
                    sq += v * v;
                }
                b2 += sq;
                double[] d = new double[N];
                for (int i = 0; i < N; i++) {
                    d[i] = lr / Math.sqrt(b2) * g[i];
                }
                return d;
            }

            public double[] state() {
                return new double[]{b2};
            }
        }, s -> new double[]{s.getDouble("scale-squared")}, t -> BASE_RATE);
    }

    @Test
    void clippingAndL2DecayFeedTheRuleAndSkipBiases() {
        double lambda = 0.1, clip = 0.6;
        check("name = adam, weight-decay = " + lambda + ", clip-norm = " + clip, new AdamReference() {
            @Override
            public double[] delta(double[] g, double lr, int t, double[] w) {
                double[] gc = clipped(g, clip);
                for (int i = 0; i < WEIGHTS; i++) {
                    gc[i] += lambda * w[i];
                }
                return delta(gc, lr, t);
            }
        });
    }

    @Test
    void decoupledDecayIsAdamW() {
        double lambda = 0.1;
        check("name = adam, weight-decay = " + lambda + ", weight-decay-mode = decoupled", new AdamReference() {
            @Override
            public double[] delta(double[] g, double lr, int t, double[] w) {
                double[] d = delta(g, lr, t);
                for (int i = 0; i < WEIGHTS; i++) {
                    d[i] += lr * lambda * w[i];
                }
                return d;
            }
        });
    }

    /** Weight entries of the harness layout (then 2 biases, 2 statistics): only these are decayed by default. */
    static final int WEIGHTS = 5;

    /** Adam with default β1, β2, ε (Kingma &amp; Ba 2015, §2 efficient form). */
    static class AdamReference implements Reference {
        final double b1 = 0.9, b2 = 0.999, eps = 1e-8;
        final double[] m = new double[N], v = new double[N];

        public double[] delta(double[] g, double lr, int t) {
            double[] d = new double[N];
            double alpha = lr * Math.sqrt(1 - Math.pow(b2, t + 1)) / (1 - Math.pow(b1, t + 1));
            for (int i = 0; i < N; i++) {
                m[i] = b1 * m[i] + (1 - b1) * g[i];
                v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                d[i] = alpha * m[i] / (Math.sqrt(v[i]) + eps);
            }
            return d;
        }

        public double[] state() {
            return concat(m, v);
        }
    }

    static double[] clipped(double[] g, double c) {
        double sq = 0;
        for (double v : g) {
            sq += v * v;
        }
        double norm = Math.sqrt(sq);
        double[] out = g.clone();
        if (norm > c) {
            for (int i = 0; i < out.length; i++) {
                out[i] *= c / norm;
            }
        }
        return out;
    }
}
