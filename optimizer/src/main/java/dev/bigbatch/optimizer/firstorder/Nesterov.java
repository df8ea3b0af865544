package dev.bigbatch.optimizer.firstorder;

import dev.bigbatch.optimizer.CommonSettings;
import dev.bigbatch.optimizer.config.ConfigReader;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * Nesterov's accelerated gradient (NAG) in the form of Sutskever et al. 2013 ("On the importance of initialization
 * and momentum in deep learning", eq. 3–4), with the weights kept at the look-ahead point (Bengio et al. 2013,
 * "Advances in optimizing recurrent networks", eq. 7), as ND4J's {@code NesterovsUpdater} computes it:
 * <pre>
 *   v_t = μ v_{t−1} − η_t g_t
 *   w_t = w_{t−1} − μ v_{t−1} + (1 + μ) v_t
 * </pre>
 * The gradient g_t is taken at the stored weights, which are the look-ahead point.
 *
 * @param common   learning rate, schedule, weight decay, clipping
 * @param momentum μ in [0, 1)
 */
public record Nesterov(CommonSettings common, double momentum) implements Nd4jUpdaterOptimizer.Rule {
    public static final String NAME = "nesterov";
    /** Sutskever et al. 2013 use μ up to 0.99 with a schedule; 0.9 is their common constant. */
    public static final double DEFAULT_MOMENTUM = 0.9;
    static final double MAX_MOMENTUM = 0.999999;

    public Nesterov {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), found " + momentum);
        }
    }

    public static Nesterov read(String name, ConfigReader r) {
        CommonSettings common = CommonSettings.read(r);
        return new Nesterov(common, r.decimal("momentum", DEFAULT_MOMENTUM, 0, MAX_MOMENTUM));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public IUpdater newUpdater() {
        return new Nesterovs(common.learningRate(), momentum);
    }
}
