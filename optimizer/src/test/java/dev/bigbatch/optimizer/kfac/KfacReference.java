package dev.bigbatch.optimizer.kfac;

import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.ParameterRole;
import dev.bigbatch.optimizer.stats.StepSums;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongToDoubleFunction;

/**
 * K-FAC written out in plain Java for the tests, without eigendecompositions or the Kronecker identity: each block's
 * damped Fisher (A ⊗ G + λI, or the π-factored form) is built entry by entry and solved by Gaussian elimination.
 * L2 decay on weights only, heavy-ball momentum, KL clipping; mirrors the steps of {@link KfacOptimizer}'s Javadoc.
 */
final class KfacReference {
    final KfacConfig config;
    final List<Block> blocks = new ArrayList<>();
    final double[] velocity;
    final boolean[] statistic;
    final boolean[] decayed;
    final LongToDoubleFunction learningRate;
    boolean started;
    long step;
    double lastNu = 1;

    /** One dense block: W [nIn, nOut] f-order at wOff, b [nOut] at bOff. */
    static final class Block {
        final String key;
        final int wOff, bOff, nIn, nOut;
        double[][] a, g, snapA, snapG;
        long updates;

        Block(String key, ParameterLayout layout, String layer) {
            this.key = key;
            ParameterLayout.Segment w = layout.segments().stream()
                    .filter(s -> s.layerName().equals(layer) && s.paramKey().equals("W")).findFirst().orElseThrow();
            ParameterLayout.Segment b = layout.segments().stream()
                    .filter(s -> s.layerName().equals(layer) && s.paramKey().equals("b")).findFirst().orElseThrow();
            wOff = (int) w.offset();
            bOff = (int) b.offset();
            nIn = (int) w.shape()[0];
            nOut = (int) w.shape()[1];
        }

        double gradient(double[] g, int o, int i) {
            return i < nIn ? g[wOff + i + o * nIn] : g[bOff + o];
        }

        void set(double[] d, int o, int i, double v) {
            if (i < nIn) {
                d[wOff + i + o * nIn] = v;
            } else {
                d[bOff + o] = v;
            }
        }
    }

    KfacReference(KfacConfig config, ParameterLayout layout, LongToDoubleFunction learningRate) {
        this.config = config;
        this.learningRate = learningRate;
        int n = (int) layout.size();
        velocity = new double[n];
        statistic = new boolean[n];
        decayed = new boolean[n];
        for (ParameterLayout.Segment s : layout.segments()) {
            for (long i = s.offset(); i < s.offset() + s.length(); i++) {
                statistic[(int) i] = s.role() == ParameterRole.NORM_STATISTIC;
                decayed[(int) i] = s.role() == ParameterRole.WEIGHT;
            }
        }
        blocks.add(new Block(SyntheticSteps.DENSE.stem(), layout, "0"));
        blocks.add(new Block(SyntheticSteps.OUTPUT.stem(), layout, "2"));
    }

    void step(double[] w, StepSums sums) {
        double[] g = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            g[i] = sums.gradientSum()[i] / (double) sums.count();
            if (statistic[i]) {
                w[i] -= g[i];
                g[i] = 0;
            }
            if (decayed[i]) {
                g[i] += config.common().weightDecay().coefficient() * w[i];
            }
        }
        if (step % config.covUpdateEvery() == 0) {
            double count = sums.extraSum(BlockId.COUNT_KEY)[0];
            for (Block b : blocks) {
                double[][] a = unpack(sums.extraSum(b.key + ".A"), count);
                double[][] gg = unpack(sums.extraSum(b.key + ".G"), count);
                if (!finite(a) || !finite(gg)) {
                    continue;
                }
                b.updates++;
                double e = Math.min(1 - 1.0 / b.updates, config.factorDecay());
                b.a = b.a == null ? a : mix(b.a, a, e);
                b.g = b.g == null ? gg : mix(b.g, gg, e);
            }
        }
        if (step % config.inverseUpdateEvery() == 0) {
            for (Block b : blocks) {
                b.snapA = b.a;
                b.snapG = b.g;
            }
        }
        double lr = learningRate.applyAsDouble(step);
        double[] d = g.clone();
        List<double[][]> vs = new ArrayList<>();
        double fisherNorm = 0;
        for (Block b : blocks) {
            double[][] v = b.snapA == null ? null : solve(b, g);
            vs.add(v);
            if (v == null) {
                continue;
            }
            for (int o = 0; o < b.nOut; o++) {
                for (int i = 0; i <= b.nIn; i++) {
                    fisherNorm += v[o][i] * b.gradient(g, o, i);
                }
            }
        }
        double nu = config.klClip() > 0 ? Math.min(1, Math.sqrt(config.klClip() / (lr * lr * fisherNorm))) : 1;
        lastNu = nu;
        for (int k = 0; k < blocks.size(); k++) {
            Block b = blocks.get(k);
            for (int o = 0; vs.get(k) != null && o < b.nOut; o++) {
                for (int i = 0; i <= b.nIn; i++) {
                    b.set(d, o, i, nu * vs.get(k)[o][i]);
                }
            }
        }
        for (int i = 0; i < w.length; i++) {
            velocity[i] = (started ? config.momentum() * velocity[i] : 0) + (statistic[i] ? 0 : d[i]);
            w[i] -= lr * velocity[i];
        }
        started = true;
        step++;
    }

    /** V with (damped A ⊗ G) vec(V) = vec(∇), vec stacking columns: index i·nOut + o. */
    private double[][] solve(Block b, double[] grad) {
        int in = b.nIn + 1;
        int out = b.nOut;
        double lambda = config.damping();
        double[][] a = b.snapA;
        double[][] g = b.snapG;
        double pi = 1;
        if (config.dampingMode() == DampingMode.PI_FACTORED) {
            pi = Math.sqrt((trace(a) / in) / (trace(g) / out));
        }
        double[][] m = new double[in * out][in * out];
        double[] rhs = new double[in * out];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                rhs[i * out + o] = b.gradient(grad, o, i);
                for (int i2 = 0; i2 < in; i2++) {
                    for (int o2 = 0; o2 < out; o2++) {
                        double v;
                        if (config.dampingMode() == DampingMode.TIKHONOV_EIGEN) {
                            v = a[i][i2] * g[o][o2] + (i == i2 && o == o2 ? lambda : 0);
                        } else {
                            v = (a[i][i2] + (i == i2 ? pi * Math.sqrt(lambda) : 0))
                                    * (g[o][o2] + (o == o2 ? Math.sqrt(lambda) / pi : 0));
                        }
                        m[i * out + o][i2 * out + o2] = v;
                    }
                }
            }
        }
        double[] x = LinearSolve.solve(m, rhs);
        double[][] v = new double[out][in];
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                v[o][i] = x[i * out + o];
            }
        }
        return v;
    }

    private static double[][] unpack(float[] packed, double count) {
        int n = PackedSymmetric.dimension(packed.length);
        double[][] m = new double[n][n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                m[i][j] = packed[k] * (1.0 / count);
                m[j][i] = m[i][j];
                k++;
            }
        }
        return m;
    }

    private static double[][] mix(double[][] old, double[][] fresh, double decay) {
        double[][] out = new double[old.length][old.length];
        for (int i = 0; i < old.length; i++) {
            for (int j = 0; j < old.length; j++) {
                out[i][j] = decay * old[i][j] + (1 - decay) * fresh[i][j];
            }
        }
        return out;
    }

    private static boolean finite(double[][] m) {
        for (double[] row : m) {
            for (double v : row) {
                if (!Double.isFinite(v)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static double trace(double[][] m) {
        double t = 0;
        for (int i = 0; i < m.length; i++) {
            t += m[i][i];
        }
        return t;
    }
}
