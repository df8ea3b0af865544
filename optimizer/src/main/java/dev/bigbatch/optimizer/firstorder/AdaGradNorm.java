package dev.bigbatch.optimizer.firstorder;

import dev.bigbatch.optimizer.CommonSettings;
import dev.bigbatch.optimizer.Optimizer;
import dev.bigbatch.optimizer.OptimizerConfig;
import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.TrainingShape;
import dev.bigbatch.optimizer.UpdateRuleOptimizer;
import dev.bigbatch.optimizer.config.ConfigReader;
import dev.bigbatch.optimizer.state.OptimizerState;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * AdaGrad-Norm (Ward, Wu &amp; Bottou 2019, "AdaGrad stepsizes: sharp convergence over nonconvex landscapes",
 * Algorithm 1): one scalar step size for all parameters,
 * <pre>
 *   b_t² = b_{t−1}² + ‖g_t‖²
 *   w_t  = w_{t−1} − (η_t / b_t) g_t
 * </pre>
 * with ‖·‖ over all trainable parameters together (non-trainable entries of g are zero here). ND4J has no
 * AdaGrad-Norm (its AdaGrad is per coordinate), hence written here. b² is kept in double precision.
 *
 * @param common       learning rate η, schedule, weight decay, clipping
 * @param initialScale b_0 &gt; 0
 */
public final class AdaGradNorm extends UpdateRuleOptimizer {
    public static final String NAME = "adagrad-norm";

    public record Config(CommonSettings common, double initialScale) implements OptimizerConfig {
        /**
         * The paper allows any b_0 &gt; 0 and argues the method is robust to it; 0.01 is our choice (it only matters
         * while ‖g‖ is below it).
         */
        public static final double DEFAULT_INITIAL_SCALE = 0.01;

        public Config {
            if (!(initialScale > 0)) {
                throw new IllegalArgumentException("initial-scale must be > 0, found " + initialScale);
            }
        }

        public static Config read(String name, ConfigReader r) {
            CommonSettings common = CommonSettings.read(r);
            return new Config(common, r.positive("initial-scale", DEFAULT_INITIAL_SCALE, 1e6));
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Optimizer create(ParameterLayout layout, TrainingShape shape) {
            return new AdaGradNorm(this, layout, shape);
        }
    }

    private final Config config;
    private double scaleSquared;

    public AdaGradNorm(Config config, ParameterLayout layout, TrainingShape shape) {
        super(layout, config.common().schedule().create(shape), config.common().weightDecay(),
                config.common().clipNorm());
        this.config = config;
        this.scaleSquared = config.initialScale() * config.initialScale();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    protected INDArray update(INDArray g, double lr, long step) {
        double norm = g.norm2Number().doubleValue();
        scaleSquared += norm * norm;
        return g.muli(lr / Math.sqrt(scaleSquared));
    }

    @Override
    protected void saveRuleState(OptimizerState state) {
        state.put("scale-squared", scaleSquared);
    }

    @Override
    protected void restoreRuleState(OptimizerState state) {
        scaleSquared = state.getDouble("scale-squared");
    }
}
