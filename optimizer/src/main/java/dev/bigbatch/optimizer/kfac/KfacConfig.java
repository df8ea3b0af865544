package dev.bigbatch.optimizer.kfac;

import dev.bigbatch.optimizer.CommonSettings;
import dev.bigbatch.optimizer.OptimizerConfig;
import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.TrainingShape;
import dev.bigbatch.optimizer.config.ConfigError;
import dev.bigbatch.optimizer.config.ConfigReader;

/**
 * Configuration of K-FAC ({@code optimizer.name = kfac}); see {@link KfacOptimizer} for the update.
 *
 * <p>Keys of the {@code optimizer} section, besides the {@link CommonSettings} ones:
 * {@code cov-update-every}, {@code inverse-update-every}, {@code factor-decay}, {@code damping}, {@code damping-mode},
 * {@code kl-clip}, {@code momentum}, {@code fisher}, {@code inverse-on}; their defaults, ranges and meaning are in
 * docs/CONFIG.md.
 *
 * @param common             learning rate η, schedule, weight decay, clipping of the raw gradient
 * @param covUpdateEvery     T_cov: executors estimate the factors on steps that are multiples of it
 * @param inverseUpdateEvery T_inv: the factors are re-decomposed on steps that are multiples of it (a multiple of T_cov)
 * @param factorDecay        ε in [0, 1), the weight of the old average in the factors' moving averages,
 *                           X ← ε_k X + (1 − ε_k) X̂ at the k-th estimate with ε_k = min(1 − 1/k, ε)
 *                           ({@link KroneckerFactors#updateAverages}); 0 keeps only the latest estimate. chainerkfac's
 *                           {@code cov_ema_decay} r weights the newest estimate instead, so r is 1 − ε
 * @param damping            λ ≥ 0 (the config reader demands λ &gt; 0; 0 is for exactness tests)
 * @param dampingMode        how λ enters the inverse
 * @param klClip             κ ≥ 0 of KL clipping, 0 = off
 * @param momentum           μ in [0, 1)
 * @param fisher             true (sampled targets) or empirical Fisher
 * @param inverseOn          where the eigendecompositions run
 */
public record KfacConfig(CommonSettings common, int covUpdateEvery, int inverseUpdateEvery, double factorDecay,
                         double damping, DampingMode dampingMode, double klClip, double momentum, FisherType fisher,
                         InverseLocation inverseOn) implements OptimizerConfig {
    public static final String NAME = "kfac";
    /** T_cov = 10: amortizes the statistic's extra forward/backward pass over ten steps. */
    public static final int DEFAULT_COV_UPDATE_EVERY = 10;
    /** T_inv = 100: amortizes the O(n³) eigendecompositions over a hundred steps. */
    public static final int DEFAULT_INVERSE_UPDATE_EVERY = 100;
    /** ε = 0.95, the decay Martens &amp; Grosse 2015 (§5) use for the factors' moving averages. */
    public static final double DEFAULT_FACTOR_DECAY = 0.95;
    /** λ = 1e-3: a starting point only; no published value carries over between models and batch sizes. */
    public static final double DEFAULT_DAMPING = 1e-3;
    public static final DampingMode DEFAULT_DAMPING_MODE = DampingMode.TIKHONOV_EIGEN;
    /** κ = 0.001: KL clipping is Ba et al. 2017's; the value is a starting point, like λ's. */
    public static final double DEFAULT_KL_CLIP = 0.001;
    public static final double DEFAULT_MOMENTUM = 0.9;
    public static final FisherType DEFAULT_FISHER = FisherType.TRUE;
    public static final InverseLocation DEFAULT_INVERSE_ON = InverseLocation.DRIVER;
    /** Largest accepted λ: beyond this the update is plain (scaled) gradient descent anyway. */
    static final double MAX_DAMPING = 1e6;

    public KfacConfig {
        if (common == null || dampingMode == null || fisher == null || inverseOn == null) {
            throw new IllegalArgumentException("K-FAC config needs common settings, damping mode, fisher and inverse-on");
        }
        if (covUpdateEvery < 1 || inverseUpdateEvery < 1 || inverseUpdateEvery % covUpdateEvery != 0) {
            throw new IllegalArgumentException("inverse-update-every (" + inverseUpdateEvery
                    + ") must be a positive multiple of cov-update-every (" + covUpdateEvery + ")");
        }
        if (factorDecay < 0 || factorDecay >= 1) {
            throw new IllegalArgumentException("factor-decay must be in [0, 1), found " + factorDecay);
        }
        if (!(damping >= 0) || damping > MAX_DAMPING) {
            throw new IllegalArgumentException("damping must be in [0, " + MAX_DAMPING + "], found " + damping);
        }
        if (!(klClip >= 0) || Double.isInfinite(klClip)) {
            throw new IllegalArgumentException("kl-clip must be finite and >= 0, found " + klClip);
        }
        if (momentum < 0 || momentum >= 1) {
            throw new IllegalArgumentException("momentum must be in [0, 1), found " + momentum);
        }
    }

    /** The defaults, with {@code common} settings. */
    public static KfacConfig defaults(CommonSettings common) {
        return new KfacConfig(common, DEFAULT_COV_UPDATE_EVERY, DEFAULT_INVERSE_UPDATE_EVERY, DEFAULT_FACTOR_DECAY,
                DEFAULT_DAMPING, DEFAULT_DAMPING_MODE, DEFAULT_KL_CLIP, DEFAULT_MOMENTUM, DEFAULT_FISHER,
                DEFAULT_INVERSE_ON);
    }

    /** Reads and validates the {@code optimizer} section ({@code name} already read). */
    public static KfacConfig read(String name, ConfigReader r) {
        CommonSettings common = CommonSettings.read(r);
        int cov = r.integer("cov-update-every", DEFAULT_COV_UPDATE_EVERY, 1, Integer.MAX_VALUE);
        int inv = r.integer("inverse-update-every", DEFAULT_INVERSE_UPDATE_EVERY, 1, Integer.MAX_VALUE);
        if (inv % cov != 0) {
            throw new ConfigError(r.fullKey("inverse-update-every"), "must be a multiple of cov-update-every (" + cov
                    + "), found " + inv + "; the inverses only change when the factors do");
        }
        double decay = r.decimal("factor-decay", DEFAULT_FACTOR_DECAY, 0, Math.nextDown(1.0));
        double damping = r.positive("damping", DEFAULT_DAMPING, MAX_DAMPING);
        DampingMode mode = DampingMode.of(r.oneOf("damping-mode", DEFAULT_DAMPING_MODE.configName(),
                DampingMode.configNames()));
        double kl = r.decimal("kl-clip", DEFAULT_KL_CLIP, 0, Double.MAX_VALUE);
        double mu = r.decimal("momentum", DEFAULT_MOMENTUM, 0, Math.nextDown(1.0));
        FisherType fisher = FisherType.of(r.oneOf("fisher", DEFAULT_FISHER.configName(), FisherType.configNames()));
        InverseLocation where = InverseLocation.of(r.oneOf("inverse-on", DEFAULT_INVERSE_ON.configName(),
                InverseLocation.configNames()));
        return new KfacConfig(common, cov, inv, decay, damping, mode, kl, mu, fisher, where);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public KfacOptimizer create(ParameterLayout layout, TrainingShape shape) {
        return new KfacOptimizer(this, layout, shape);
    }
}
