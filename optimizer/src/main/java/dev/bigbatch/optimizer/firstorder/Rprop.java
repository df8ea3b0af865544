package dev.bigbatch.optimizer.firstorder;

import dev.bigbatch.optimizer.CommonSettings;
import dev.bigbatch.optimizer.Optimizer;
import dev.bigbatch.optimizer.OptimizerConfig;
import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.TrainingShape;
import dev.bigbatch.optimizer.UpdateRuleOptimizer;
import dev.bigbatch.optimizer.config.ConfigError;
import dev.bigbatch.optimizer.config.ConfigReader;
import dev.bigbatch.optimizer.state.OptimizerState;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Rprop in the iRprop− variant of Igel &amp; Hüsken 2000 ("Improving the Rprop Learning Algorithm"), which
 * refines Riedmiller &amp; Braun 1993 ("A Direct Adaptive Method for Faster Backpropagation Learning") by dropping
 * weight backtracking. Per parameter i, with s = sign(g_{t−1,i} g_{t,i}):
 * <pre>
 *   s &gt; 0:  Δ_i ← min(Δ_i η+, Δ_max)
 *   s &lt; 0:  Δ_i ← max(Δ_i η−, Δ_min),  g_{t,i} ← 0
 *   w_i ← w_i − sign(g_{t,i}) Δ_i;       g_{t−1,i} ← g_{t,i}
 * </pre>
 * Rprop uses only gradient signs and is a full-batch method: it suits the large, low-noise batches this project
 * trains with, not small noisy ones. ND4J has no Rprop, hence written here.
 *
 * <p>{@code learning-rate} is the initial step size Δ_0 of every parameter. Rprop adapts its own step sizes, so a
 * learning-rate schedule does not apply and is rejected, as is decoupled weight decay (which is scaled by a learning
 * rate); L2 decay enters the gradient as usual.
 */
public final class Rprop extends UpdateRuleOptimizer {
    public static final String NAME = "rprop";

    /**
     * @param common   {@code learning-rate} = Δ_0; constant schedule only
     * @param increase η+ &gt; 1
     * @param decrease η− in (0, 1)
     * @param maxStep  Δ_max
     * @param minStep  Δ_min, in (0, Δ_max]
     */
    public record Config(CommonSettings common, double increase, double decrease, double maxStep, double minStep)
            implements OptimizerConfig {
        /** Riedmiller &amp; Braun 1993's recommended settings: Δ_0 = 0.1, η+ = 1.2, η− = 0.5. */
        public static final double DEFAULT_INITIAL_STEP = 0.1;
        public static final double DEFAULT_INCREASE = 1.2;
        public static final double DEFAULT_DECREASE = 0.5;
        /** Riedmiller &amp; Braun 1993: Δ_max = 50, Δ_min = 1e−6. */
        public static final double DEFAULT_MAX_STEP = 50;
        public static final double DEFAULT_MIN_STEP = 1e-6;
        /** The largest Δ_max (and so Δ_min) accepted: far beyond any useful step, it catches a typo. */
        public static final double MAX_STEP_BOUND = 1e6;

        public Config {
            if (!(increase > 1) || !(decrease > 0 && decrease < 1) || !(minStep > 0 && minStep <= maxStep)) {
                throw new IllegalArgumentException("invalid Rprop factors/steps " + increase + "/" + decrease + "/"
                        + minStep + "/" + maxStep);
            }
        }

        public static Config read(String name, ConfigReader r) {
            CommonSettings common = CommonSettings.read(r, DEFAULT_INITIAL_STEP);
            if (!common.schedule().name().equals("constant") || common.schedule().warmupSteps() != 0) {
                throw new ConfigError(r.fullKey("schedule"), "Rprop adapts its own step sizes and learning-rate is its "
                        + "initial step size; remove the schedule (or use name = constant without warm-up)");
            }
            if (common.weightDecay().enabled() && common.weightDecay().mode().equals("decoupled")) {
                throw new ConfigError(r.fullKey("weight-decay-mode"), "decoupled decay is scaled by a learning rate, "
                        + "which Rprop does not have; use l2");
            }
            double up = r.decimal("increase", DEFAULT_INCREASE, 1.000001, 10);
            double down = r.decimal("decrease", DEFAULT_DECREASE, 1e-6, 0.999999);
            double max = r.positive("max-step", DEFAULT_MAX_STEP, MAX_STEP_BOUND);
            double min = r.positive("min-step", DEFAULT_MIN_STEP, MAX_STEP_BOUND);
            if (min > max) {
                // The relation has two sides: name the key that was set, min-step when both were.
                String key = r.has("min-step") || !r.has("max-step") ? "min-step" : "max-step";
                throw new ConfigError(r.fullKey(key), key.equals("min-step")
                        ? "must be at most " + r.fullKey("max-step") + " (" + max + "), found " + min
                        : "must be at least " + r.fullKey("min-step") + " (" + min + ", the default), found " + max);
            }
            return new Config(common, up, down, max, min);
        }

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public Optimizer create(ParameterLayout layout, TrainingShape shape) {
            return new Rprop(this, layout, shape);
        }
    }

    private final Config config;
    private INDArray stepSizes;
    private INDArray previousGradient;

    public Rprop(Config config, ParameterLayout layout, TrainingShape shape) {
        super(layout, config.common().schedule().create(shape), config.common().weightDecay(),
                config.common().clipNorm());
        this.config = config;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    protected INDArray update(INDArray g, double lr, long step) {
        if (stepSizes == null) {
            stepSizes = Nd4j.valueArrayOf(g.shape(), config.common().learningRate(), g.dataType());
            previousGradient = Nd4j.zeros(g.dataType(), g.shape());
        }
        // s = sign(g_{t−1} g_t), computed in the buffer of g_{t−1}, which is overwritten with g_t below.
        INDArray s = Transforms.sign(previousGradient.muli(g), false);
        // Sign +1/0/−1 → factor η+/1/η−, by strict comparisons only, in an order where no replaced value matches a
        // later condition (η+ > 1, then 1, then η− > 0). ND4J's equals condition has a 1e-5 tolerance: an η− below it
        // would be taken for a zero sign and become 1.
        INDArray factor = s.dup();
        BooleanIndexing.replaceWhere(factor, config.increase(), Conditions.greaterThan(0.5));
        BooleanIndexing.replaceWhere(factor, 1.0, Conditions.absLessThan(0.5));
        BooleanIndexing.replaceWhere(factor, config.decrease(), Conditions.lessThan(0));
        stepSizes.muli(factor);
        Transforms.min(stepSizes, config.maxStep(), false);
        Transforms.max(stepSizes, config.minStep(), false);
        // iRprop−: after a sign change forget the gradient (s + 1 is 0 exactly where s = −1).
        g.muli(Transforms.sign(s.addi(1), false));
        previousGradient.assign(g);
        return Transforms.sign(g, false).muli(stepSizes);
    }

    @Override
    protected void saveRuleState(OptimizerState state) {
        if (stepSizes != null) {
            state.put("step-sizes", stepSizes);
            state.put("previous-gradient", previousGradient);
        }
    }

    @Override
    protected void restoreRuleState(OptimizerState state) {
        stepSizes = state.hasArray("step-sizes") ? state.array("step-sizes") : null;
        previousGradient = state.hasArray("previous-gradient") ? state.array("previous-gradient") : null;
    }
}
