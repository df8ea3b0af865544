package dev.bigbatch.optimizer.firstorder;

import dev.bigbatch.optimizer.CommonSettings;
import dev.bigbatch.optimizer.config.ConfigReader;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * RMSProp (Tieleman &amp; Hinton 2012, "Neural Networks for Machine Learning", lecture 6e, slide 29), as ND4J's
 * {@code RmsPropUpdater} computes it:
 * <pre>
 *   s_t = ρ s_{t−1} + (1 − ρ) g_t²,   s_0 = ε
 *   w_t = w_{t−1} − η_t g_t / (√s_t + ε)
 * </pre>
 *
 * @param common  learning rate, schedule, weight decay, clipping
 * @param decay   ρ in [0, 1)
 * @param epsilon ε &gt; 0
 */
public record RmsProp(CommonSettings common, double decay, double epsilon) implements Nd4jUpdaterOptimizer.Rule {
    public static final String NAME = "rmsprop";
    /** The lecture's "MeanSquare(w, t) = 0.9 MeanSquare(w, t−1) + 0.1 (∂E/∂w)²". */
    public static final double DEFAULT_DECAY = 0.9;
    /** The lecture gives no rate; 1e−3 is the usual default (TensorFlow, PyTorch's 1e−2 aside). */
    public static final double DEFAULT_LEARNING_RATE = 1e-3;
    public static final double DEFAULT_EPSILON = 1e-8;

    public RmsProp {
        MomentRanges.check(decay, 0, epsilon);
    }

    public static RmsProp read(String name, ConfigReader r) {
        CommonSettings common = CommonSettings.read(r, DEFAULT_LEARNING_RATE);
        double rho = r.decimal("decay", DEFAULT_DECAY, 0, MomentRanges.MAX_DECAY);
        double eps = r.positive("epsilon", DEFAULT_EPSILON, 1);
        return new RmsProp(common, rho, eps);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public IUpdater newUpdater() {
        return new org.nd4j.linalg.learning.config.RmsProp(common.learningRate(), decay, epsilon);
    }

    @Override
    public double initialState() {
        return epsilon;
    }
}
