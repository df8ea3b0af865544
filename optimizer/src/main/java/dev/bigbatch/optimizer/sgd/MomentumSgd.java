package dev.bigbatch.optimizer.sgd;

import dev.bigbatch.optimizer.CommonSettings;
import dev.bigbatch.optimizer.Optimizer;
import dev.bigbatch.optimizer.OptimizerConfig;
import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.TrainingShape;
import dev.bigbatch.optimizer.UpdateRuleOptimizer;
import dev.bigbatch.optimizer.config.ConfigReader;
import dev.bigbatch.optimizer.state.OptimizerState;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Stochastic gradient descent with heavy-ball momentum (Polyak 1964), in the form of Goyal et al. 2017
 * ("Accurate, Large Minibatch SGD", eq. 9–10, as in Caffe2/PyTorch):
 * <pre>
 *   u_{t+1} = μ u_t + g_t
 *   w_{t+1} = w_t − η_t u_{t+1}
 * </pre>
 * With μ = 0 this is plain SGD. ND4J has no heavy-ball updater (its {@code Nesterovs} is NAG), hence written here.
 * Goyal et al. prefer this form to u ← μu + ηg because it needs no momentum correction when η_t changes.
 */
public final class MomentumSgd extends UpdateRuleOptimizer {

    /**
     * @param name     {@code sgd} (μ = 0 by default) or {@code momentum} (μ = 0.9 by default)
     * @param common   learning rate, schedule, weight decay, clipping
     * @param momentum μ in [0, 1)
     */
    public record Config(String name, CommonSettings common, double momentum) implements OptimizerConfig {
        public static final double DEFAULT_MOMENTUM = 0.9;

        public Config {
            if (momentum < 0 || momentum >= 1) {
                throw new IllegalArgumentException("momentum must be in [0, 1), found " + momentum);
            }
        }

        public static Config read(String name, ConfigReader r) {
            CommonSettings common = CommonSettings.read(r);
            double mu = r.decimal("momentum", name.equals("sgd") ? 0.0 : DEFAULT_MOMENTUM, 0, 0.999999);
            return new Config(name, common, mu);
        }

        @Override
        public Optimizer create(ParameterLayout layout, TrainingShape shape) {
            return new MomentumSgd(this, layout, shape);
        }
    }

    private final Config config;
    private INDArray velocity;

    public MomentumSgd(Config config, ParameterLayout layout, TrainingShape shape) {
        super(layout, config.common().schedule().create(shape), config.common().weightDecay(), config.common().clipNorm());
        this.config = config;
    }

    @Override
    public String name() {
        return config.name();
    }

    @Override
    protected INDArray update(INDArray g, double lr, long step) {
        if (config.momentum() == 0) {
            return g.muli(lr);
        }
        if (velocity == null) {
            velocity = Nd4j.zeros(g.dataType(), g.length());
        }
        velocity.muli(config.momentum()).addi(g);
        // η u into g's buffer rather than a new parameter-sized array (same values as velocity.mul(lr)).
        return g.assign(velocity).muli(lr);
    }

    @Override
    protected void saveRuleState(OptimizerState state) {
        if (velocity != null) {
            state.put("velocity", velocity);
        }
    }

    @Override
    protected void restoreRuleState(OptimizerState state) {
        velocity = state.hasArray("velocity") ? state.array("velocity") : null;
    }
}
