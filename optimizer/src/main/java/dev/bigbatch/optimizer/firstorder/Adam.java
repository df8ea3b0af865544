package dev.bigbatch.optimizer.firstorder;

import dev.bigbatch.optimizer.CommonSettings;
import dev.bigbatch.optimizer.config.ConfigReader;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * Adam (Kingma &amp; Ba 2015, "Adam: A Method for Stochastic Optimization", Algorithm 1 in the efficient form of §2,
 * last paragraph), as ND4J's {@code AdamUpdater} computes it:
 * <pre>
 *   m_t = β1 m_{t−1} + (1 − β1) g_t
 *   v_t = β2 v_{t−1} + (1 − β2) g_t²
 *   α_t = η_t √(1 − β2^t) / (1 − β1^t)
 *   w_t = w_{t−1} − α_t m_t / (√v_t + ε̂)
 * </pre>
 * with t = step + 1. ε̂ sits outside the bias correction (the paper's efficient form), so it equals the paper's ε
 * only up to the factor √(1 − β2^t).
 *
 * @param common   learning rate, schedule, weight decay (l2 = Adam + L2; decoupled = AdamW), clipping
 * @param beta1    β1 in [0, 1)
 * @param beta2    β2 in [0, 1)
 * @param epsilon  ε̂ &gt; 0
 */
public record Adam(CommonSettings common, double beta1, double beta2, double epsilon)
        implements Nd4jUpdaterOptimizer.Rule {
    public static final String NAME = "adam";
    /** Kingma &amp; Ba 2015, Algorithm 1: "Good default settings ... α = 0.001, β1 = 0.9, β2 = 0.999, ε = 1e−8". */
    public static final double DEFAULT_LEARNING_RATE = 1e-3;
    public static final double DEFAULT_BETA1 = 0.9;
    public static final double DEFAULT_BETA2 = 0.999;
    public static final double DEFAULT_EPSILON = 1e-8;

    public Adam {
        MomentRanges.check(beta1, beta2, epsilon);
    }

    public static Adam read(String name, ConfigReader r) {
        CommonSettings common = CommonSettings.read(r, DEFAULT_LEARNING_RATE);
        double b1 = r.decimal("beta1", DEFAULT_BETA1, 0, MomentRanges.MAX_DECAY);
        double b2 = r.decimal("beta2", DEFAULT_BETA2, 0, MomentRanges.MAX_DECAY);
        double eps = r.positive("epsilon", DEFAULT_EPSILON, 1);
        return new Adam(common, b1, b2, eps);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public IUpdater newUpdater() {
        return new org.nd4j.linalg.learning.config.Adam(common.learningRate(), beta1, beta2, epsilon);
    }
}
