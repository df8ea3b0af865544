package dev.bigbatch.optimizer.firstorder;

import dev.bigbatch.optimizer.CommonSettings;
import dev.bigbatch.optimizer.config.ConfigReader;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * AdaGrad with a diagonal accumulator (Duchi, Hazan &amp; Singer 2011, "Adaptive Subgradient Methods", eq. 1 with
 * diag(G_t)), as ND4J's {@code AdaGradUpdater} computes it:
 * <pre>
 *   h_t = h_{t−1} + g_t²,   h_0 = ε
 *   w_t = w_{t−1} − η_t g_t / (√h_t + ε)
 * </pre>
 * The accumulator starts at ε (we write it; see {@link Nd4jUpdaterOptimizer.Rule#initialState()}).
 *
 * @param common  learning rate, schedule, weight decay, clipping
 * @param epsilon ε &gt; 0
 */
public record AdaGrad(CommonSettings common, double epsilon) implements Nd4jUpdaterOptimizer.Rule {
    public static final String NAME = "adagrad";
    /** Duchi et al. give no default; 0.01 is PyTorch's (Keras uses 0.001). */
    public static final double DEFAULT_LEARNING_RATE = 0.01;
    /** ND4J's default ({@code AdaGrad.DEFAULT_ADAGRAD_EPSILON}). */
    public static final double DEFAULT_EPSILON = 1e-6;

    public AdaGrad {
        MomentRanges.check(0, 0, epsilon);
    }

    public static AdaGrad read(String name, ConfigReader r) {
        CommonSettings common = CommonSettings.read(r, DEFAULT_LEARNING_RATE);
        return new AdaGrad(common, r.positive("epsilon", DEFAULT_EPSILON, 1));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public IUpdater newUpdater() {
        return new org.nd4j.linalg.learning.config.AdaGrad(common.learningRate(), epsilon);
    }

    @Override
    public double initialState() {
        return epsilon;
    }
}
