package dev.bigbatch.optimizer.firstorder;

import dev.bigbatch.optimizer.CommonSettings;
import dev.bigbatch.optimizer.config.ConfigReader;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * AdaMax (Kingma &amp; Ba 2015, §7.1, Algorithm 2), as ND4J's {@code AdaMaxUpdater} computes it:
 * <pre>
 *   m_t = β1 m_{t−1} + (1 − β1) g_t
 *   u_t = max(β2 u_{t−1}, |g_t|) + 1e−32
 *   w_t = w_{t−1} − (η_t / (1 − β1^t)) m_t / u_t
 * </pre>
 * with t = step + 1. ND4J adds 1e−32 to u instead of using an ε (the paper has none), so there is no ε key.
 *
 * @param common learning rate, schedule, weight decay, clipping
 * @param beta1  β1 in [0, 1)
 * @param beta2  β2 in [0, 1)
 */
public record AdaMax(CommonSettings common, double beta1, double beta2) implements Nd4jUpdaterOptimizer.Rule {
    public static final String NAME = "adamax";
    /** Kingma &amp; Ba 2015, Algorithm 2: "Good default settings ... α = 0.002, β1 = 0.9 and β2 = 0.999". */
    public static final double DEFAULT_LEARNING_RATE = 2e-3;
    public static final double DEFAULT_BETA1 = 0.9;
    public static final double DEFAULT_BETA2 = 0.999;
    /** Passed to ND4J, which ignores it in AdaMax (see class comment). */
    private static final double UNUSED_EPSILON = 1e-8;

    public AdaMax {
        MomentRanges.check(beta1, beta2, UNUSED_EPSILON);
    }

    public static AdaMax read(String name, ConfigReader r) {
        CommonSettings common = CommonSettings.read(r, DEFAULT_LEARNING_RATE);
        double b1 = r.decimal("beta1", DEFAULT_BETA1, 0, MomentRanges.MAX_DECAY);
        double b2 = r.decimal("beta2", DEFAULT_BETA2, 0, MomentRanges.MAX_DECAY);
        return new AdaMax(common, b1, b2);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public IUpdater newUpdater() {
        return new org.nd4j.linalg.learning.config.AdaMax(common.learningRate(), beta1, beta2, UNUSED_EPSILON);
    }
}
