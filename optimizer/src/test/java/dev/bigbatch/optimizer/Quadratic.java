package dev.bigbatch.optimizer;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

/**
 * f(x) = ½ xᵀAx − bᵀx with A = Q diag(λ) Qᵀ symmetric positive definite, λ spread geometrically from 1 to the
 * condition number, Q a random rotation (Gram–Schmidt of a Gaussian matrix). Plain double arithmetic throughout, so
 * it is an independent reference: optimum x* = A⁻¹b, Newton step −A⁻¹∇f.
 */
public final class Quadratic {
    public final int n;
    public final double[][] a;
    public final double[] b;
    public final double[] optimum;
    public final double largestEigenvalue;

    public Quadratic(int n, double condition, long seed) {
        this.n = n;
        Random random = new Random(seed);
        double[][] q = new double[n][n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                q[i][j] = random.nextGaussian();
            }
            for (int k = 0; k < j; k++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += q[i][j] * q[i][k];
                }
                for (int i = 0; i < n; i++) {
                    q[i][j] -= dot * q[i][k];
                }
            }
            double norm = 0;
            for (int i = 0; i < n; i++) {
                norm += q[i][j] * q[i][j];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) {
                q[i][j] /= norm;
            }
        }
        double[] lambda = new double[n];
        for (int k = 0; k < n; k++) {
            lambda[k] = Math.pow(condition, (double) k / (n - 1));
        }
        this.largestEigenvalue = condition;
        this.a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += q[i][k] * lambda[k] * q[j][k];
                }
                a[i][j] = s;
            }
        }
        this.b = new double[n];
        for (int i = 0; i < n; i++) {
            b[i] = random.nextGaussian();
        }
        this.optimum = solve(a, b);
    }

    /** ∇f(x) = Ax − b. */
    public double[] gradient(double[] x) {
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            double s = -b[i];
            for (int j = 0; j < n; j++) {
                s += a[i][j] * x[j];
            }
            g[i] = s;
        }
        return g;
    }

    /** ∇f at a float vector, as a new float vector (what executors would return). */
    public INDArray gradient(INDArray x) {
        double[] g = gradient(OptimizerFixtures.doubles(x));
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = (float) g[i];
        }
        return Nd4j.createFromArray(f);
    }

    public double distanceToOptimum(double[] x) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (x[i] - optimum[i]) * (x[i] - optimum[i]);
        }
        return Math.sqrt(s);
    }

    /** Solves M y = r by Gaussian elimination with partial pivoting (M is copied). */
    public static double[] solve(double[][] m, double[] r) {
        int n = r.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) {
            a[i] = java.util.Arrays.copyOf(m[i], n + 1);
            a[i][n] = r[i];
        }
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int i = c + 1; i < n; i++) {
                if (Math.abs(a[i][c]) > Math.abs(a[p][c])) {
                    p = i;
                }
            }
            double[] t = a[c];
            a[c] = a[p];
            a[p] = t;
            for (int i = c + 1; i < n; i++) {
                double f = a[i][c] / a[c][c];
                for (int j = c; j <= n; j++) {
                    a[i][j] -= f * a[c][j];
                }
            }
        }
        double[] y = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = a[i][n];
            for (int j = i + 1; j < n; j++) {
                s -= a[i][j] * y[j];
            }
            y[i] = s / a[i][i];
        }
        return y;
    }
}
