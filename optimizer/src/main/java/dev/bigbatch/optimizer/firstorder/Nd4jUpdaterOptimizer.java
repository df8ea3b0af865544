package dev.bigbatch.optimizer.firstorder;

import dev.bigbatch.optimizer.CommonSettings;
import dev.bigbatch.optimizer.OptimizerConfig;
import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.TrainingShape;
import dev.bigbatch.optimizer.UpdateRuleOptimizer;
import dev.bigbatch.optimizer.state.OptimizerState;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * A first-order rule computed by one of ND4J's own {@link GradientUpdater}s (Nesterov, AdaGrad, RMSProp, AdaDelta,
 * Adam, AdaMax), wrapped in the shared step of {@link UpdateRuleOptimizer} (batch-norm statistics, clipping, weight
 * decay, schedule).
 *
 * <p>The updater's whole state lives in one flat view array, as DL4J keeps it ({@code IUpdater#stateSize} values,
 * e.g. {@code [m | v]} for Adam), so saving and restoring it is one exact array copy. The learning rate of each step
 * comes from our schedule: it is set on the updater's config just before ND4J reads it
 * ({@code IUpdater#setLrAndSchedule(lr, null)}, read back by {@code getLearningRate} inside {@code applyUpdater}).
 * The iteration passed to ND4J is our 0-based step, so Adam's and AdaMax's bias corrections use t = step + 1.
 */
public final class Nd4jUpdaterOptimizer extends UpdateRuleOptimizer {
    private static final String STATE = "updater-state";

    /** What each ND4J-backed config supplies. */
    public interface Rule extends OptimizerConfig {
        CommonSettings common();

        /** A fresh ND4J config for one optimizer instance (it is mutated: the learning rate is set each step). */
        IUpdater newUpdater();

        /**
         * The value every entry of the state view starts at, written here rather than left to ND4J so that it is
         * explicit (ND4J's AdaGrad starts from its own default whatever the configured ε).
         */
        default double initialState() {
            return 0.0;
        }

        /**
         * True for rules without a learning rate in ND4J (AdaDelta): the ND4J update is then multiplied by η_t, as
         * PyTorch's {@code Adadelta(lr)} does, so that the shared schedule still applies.
         */
        default boolean learningRateScalesUpdate() {
            return false;
        }

        @Override
        default Nd4jUpdaterOptimizer create(ParameterLayout layout, TrainingShape shape) {
            return new Nd4jUpdaterOptimizer(this, layout, shape);
        }
    }

    private final Rule rule;
    private final IUpdater updaterConfig;
    private INDArray stateView;
    private GradientUpdater<?> updater;

    public Nd4jUpdaterOptimizer(Rule rule, ParameterLayout layout, TrainingShape shape) {
        super(layout, rule.common().schedule().create(shape), rule.common().weightDecay(), rule.common().clipNorm());
        this.rule = rule;
        this.updaterConfig = rule.newUpdater();
    }

    @Override
    public String name() {
        return rule.name();
    }

    @Override
    protected INDArray update(INDArray g, double lr, long step) {
        if (updater == null) {
            stateView = Nd4j.valueArrayOf(new long[]{updaterConfig.stateSize(g.length())}, rule.initialState(),
                    g.dataType());
            attach();
        } else if (stateView.length() != updaterConfig.stateSize(g.length())) {
            throw new IllegalArgumentException(name() + ": restored state has " + stateView.length()
                    + " values, but " + g.length() + " parameters need " + updaterConfig.stateSize(g.length()));
        }
        if (!rule.learningRateScalesUpdate()) {
            updaterConfig.setLrAndSchedule(lr, null);
        }
        // In place: g becomes the update Δ (ND4J applies params -= Δ, as we do).
        updater.applyUpdater(g, Math.toIntExact(step), 0);
        if (rule.learningRateScalesUpdate()) {
            g.muli(lr);
        }
        return g;
    }

    private void attach() {
        updater = updaterConfig.instantiate(stateView, false);
    }

    @Override
    protected void saveRuleState(OptimizerState state) {
        if (stateView != null) {
            state.put(STATE, stateView);
        }
    }

    @Override
    protected void restoreRuleState(OptimizerState state) {
        if (state.hasArray(STATE)) {
            stateView = state.array(STATE);
            attach();
        } else {
            stateView = null;
            updater = null;
        }
    }
}
