package dev.bigbatch.optimizer.firstorder;

import dev.bigbatch.optimizer.CommonSettings;
import dev.bigbatch.optimizer.config.ConfigReader;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * AdaDelta (Zeiler 2012, "ADADELTA: An Adaptive Learning Rate Method", Algorithm 1), as ND4J's
 * {@code AdaDeltaUpdater} computes it, times the learning rate:
 * <pre>
 *   E[g²]_t  = ρ E[g²]_{t−1} + (1 − ρ) g_t²
 *   Δx_t     = g_t √(E[Δx²]_{t−1} + ε) / √(E[g²]_t + ε)
 *   E[Δx²]_t = ρ E[Δx²]_{t−1} + (1 − ρ) Δx_t²
 *   w_t      = w_{t−1} − η_t Δx_t
 * </pre>
 * The paper has no learning rate (η = 1, the default). η_t scales the applied step only, not the accumulated Δx,
 * as in PyTorch's {@code Adadelta(lr)}, so that the shared schedule and warm-up still apply.
 *
 * @param common  learning rate (a multiplier, default 1), schedule, weight decay, clipping
 * @param rho     ρ in [0, 1)
 * @param epsilon ε &gt; 0
 */
public record AdaDelta(CommonSettings common, double rho, double epsilon) implements Nd4jUpdaterOptimizer.Rule {
    public static final String NAME = "adadelta";
    public static final double DEFAULT_LEARNING_RATE = 1.0;
    /** Zeiler 2012, §4 (the MNIST experiments) uses ρ = 0.95 and ε = 1e−6. */
    public static final double DEFAULT_RHO = 0.95;
    public static final double DEFAULT_EPSILON = 1e-6;

    public AdaDelta {
        MomentRanges.check(rho, 0, epsilon);
    }

    public static AdaDelta read(String name, ConfigReader r) {
        CommonSettings common = CommonSettings.read(r, DEFAULT_LEARNING_RATE);
        double rho = r.decimal("rho", DEFAULT_RHO, 0, MomentRanges.MAX_DECAY);
        double eps = r.positive("epsilon", DEFAULT_EPSILON, 1);
        return new AdaDelta(common, rho, eps);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public IUpdater newUpdater() {
        return new org.nd4j.linalg.learning.config.AdaDelta(rho, epsilon);
    }

    @Override
    public boolean learningRateScalesUpdate() {
        return true;
    }
}
