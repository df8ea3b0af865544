package dev.bigbatch.optimizer.firstorder;

import org.junit.jupiter.api.Test;

import static dev.bigbatch.optimizer.firstorder.ReferenceHarness.N;
import static dev.bigbatch.optimizer.firstorder.ReferenceHarness.Reference;
import static dev.bigbatch.optimizer.firstorder.ReferenceHarness.check;
import static dev.bigbatch.optimizer.firstorder.ReferenceHarness.concat;
import static dev.bigbatch.optimizer.firstorder.ReferenceHarness.filled;

/**
 * Each ND4J-backed rule against an independent double-precision reference written from the paper's equations, for
 * several steps of a decaying schedule, comparing the weights and the whole state view.
 */
class Nd4jUpdaterReferenceTest {
    @Test
    void adamMatchesKingmaBaAlgorithm1() {
        double b1 = 0.8, b2 = 0.95, eps = 1e-3;
        check("name = adam, beta1 = " + b1 + ", beta2 = " + b2 + ", epsilon = " + eps, new Reference() {
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
        });
    }

    @Test
    void adaMaxMatchesKingmaBaAlgorithm2() {
        double b1 = 0.8, b2 = 0.95;
        check("name = adamax, beta1 = " + b1 + ", beta2 = " + b2, new Reference() {
            final double[] m = new double[N], u = new double[N];

            public double[] delta(double[] g, double lr, int t) {
                double[] d = new double[N];
                for (int i = 0; i < N; i++) {
                    m[i] = b1 * m[i] + (1 - b1) * g[i];
                    u[i] = Math.max(b2 * u[i], Math.abs(g[i])) + 1e-32;
                    d[i] = lr / (1 - Math.pow(b1, t + 1)) * m[i] / u[i];
                }
                return d;
            }

            public double[] state() {
                return concat(m, u);
            }
        });
    }

    @Test
    void adaGradMatchesDuchiEtAl() {
        double eps = 1e-3;
        check("name = adagrad, epsilon = " + eps, new Reference() {
            final double[] h = filled(eps);

            public double[] delta(double[] g, double lr, int t) {
                double[] d = new double[N];
                for (int i = 0; i < N; i++) {
                    h[i] += g[i] * g[i];
                    d[i] = lr * g[i] / (Math.sqrt(h[i]) + eps);
                }
                return d;
            }

            public double[] state() {
                return h;
            }
        });
    }

    @Test
    void rmsPropMatchesTielemanHinton() {
        double rho = 0.7, eps = 1e-3;
        check("name = rmsprop, decay = " + rho + ", epsilon = " + eps, new Reference() {
            final double[] s = filled(eps);

            public double[] delta(double[] g, double lr, int t) {
                double[] d = new double[N];
                for (int i = 0; i < N; i++) {
                    s[i] = rho * s[i] + (1 - rho) * g[i] * g[i];
                    d[i] = lr * g[i] / (Math.sqrt(s[i]) + eps);
                }
                return d;
            }

            public double[] state() {
                return s;
            }
        });
    }

    @Test
    void adaDeltaMatchesZeilerAlgorithm1TimesRate() {
        double rho = 0.8, eps = 1e-4;
        check("name = adadelta, rho = " + rho + ", epsilon = " + eps, new Reference() {
            final double[] eg = new double[N], edx = new double[N];

            public double[] delta(double[] g, double lr, int t) {
                double[] d = new double[N];
                for (int i = 0; i < N; i++) {
                    eg[i] = rho * eg[i] + (1 - rho) * g[i] * g[i];
                    double dx = g[i] * Math.sqrt(edx[i] + eps) / Math.sqrt(eg[i] + eps);
                    edx[i] = rho * edx[i] + (1 - rho) * dx * dx;
                    d[i] = lr * dx;
                }
                return d;
            }

            public double[] state() {
                return concat(eg, edx);
            }
        });
    }

    @Test
    void nesterovMatchesSutskeverForm() {
        double mu = 0.7;
        check("name = nesterov, momentum = " + mu, new Reference() {
            final double[] v = new double[N];

            public double[] delta(double[] g, double lr, int t) {
                double[] d = new double[N];
                for (int i = 0; i < N; i++) {
                    double previous = v[i];
                    v[i] = mu * v[i] - lr * g[i];
                    // w_t = w_{t−1} − μ v_{t−1} + (1 + μ) v_t
                    d[i] = mu * previous - (1 + mu) * v[i];
                }
                return d;
            }

            public double[] state() {
                return v;
            }
        });
    }

}
