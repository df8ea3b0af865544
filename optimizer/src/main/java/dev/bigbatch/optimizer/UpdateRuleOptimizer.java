package dev.bigbatch.optimizer;

import dev.bigbatch.optimizer.regularization.WeightDecay;
import dev.bigbatch.optimizer.schedule.LearningRateSchedule;
import dev.bigbatch.optimizer.state.OptimizerState;
import dev.bigbatch.optimizer.stats.StepSums;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The shared step of first-order rules; subclasses supply only the rule ({@link #update}) and its state.
 *
 * <p>One step t, with ḡ the mean gradient over the step's global batch:
 * <ol>
 *   <li>batch-norm running statistics: w_s ← w_s − ḡ_s (the mean DL4J delta), and ḡ_s ← 0;</li>
 *   <li>clipping by global norm: ḡ ← ḡ · min(1, c / ‖ḡ‖) when {@code clip-norm} c &gt; 0
 *       (Pascanu et al. 2013, Algorithm 2);</li>
 *   <li>L2 weight decay (if so configured): ḡ ← ḡ + λ w;</li>
 *   <li>Δ = rule(ḡ, η_t, t); w ← w − Δ − (decoupled decay η_t λ w_{t−1}, if so configured);</li>
 * </ol>
 */
public abstract class UpdateRuleOptimizer implements Optimizer {
    protected final ParameterLayout layout;
    protected final LearningRateSchedule schedule;
    protected final WeightDecay weightDecay;
    protected final double clipNorm;
    private final INDArray trainableMask;
    private final INDArray statisticMask;
    private final INDArray decayMask;
    protected long step;

    protected UpdateRuleOptimizer(ParameterLayout layout, LearningRateSchedule schedule, WeightDecay weightDecay,
                                  double clipNorm) {
        this.layout = layout;
        this.schedule = schedule;
        this.weightDecay = weightDecay;
        this.clipNorm = clipNorm;
        this.trainableMask = layout.mask(ParameterRole::trainable, DataType.FLOAT);
        this.statisticMask = layout.mask(r -> !r.trainable(), DataType.FLOAT);
        this.decayMask = weightDecay.mask(layout, DataType.FLOAT);
    }

    @Override
    public final long stepCount() {
        return step;
    }

    @Override
    public final StepReport step(INDArray params, StepSums sums) {
        INDArray g = sums.meanGradient().castTo(params.dataType());
        if (g.length() != params.length()) {
            throw new IllegalArgumentException("gradient has " + g.length() + " values, parameters " + params.length());
        }
        applyStatisticDeltas(params, g, statisticMask);
        double gradNorm = g.norm2Number().doubleValue();
        if (clipNorm > 0 && gradNorm > clipNorm) {
            g.muli(clipNorm / gradNorm);
        }
        weightDecay.addToGradient(g, params, decayMask);
        double lr = schedule.at(step);
        INDArray decoupled = weightDecay.decoupledTerm(params, decayMask, lr);
        beforeUpdate(sums);
        INDArray delta = update(g, lr, step).muli(trainableMask);
        if (decoupled != null) {
            delta.addi(decoupled);
        }
        afterUpdate(delta);
        params.subi(delta);
        step++;
        return new StepReport(lr, gradNorm, delta.norm2Number().doubleValue());
    }

    /**
     * Subtracts the mean batch-norm running-statistic deltas from {@code params} and zeroes them in {@code g}.
     * Shared with optimizers that do not extend this class.
     */
    public static void applyStatisticDeltas(INDArray params, INDArray g, INDArray statisticMask) {
        INDArray statDelta = g.mul(statisticMask);
        params.subi(statDelta);
        g.subi(statDelta);
    }

    /**
     * The rule: returns Δ with w ← w − Δ for gradient {@code g} (already clipped and L2-regularized; entries of
     * non-trainable parameters are zero) at learning rate {@code lr}. May reuse {@code g}'s storage.
     */
    protected abstract INDArray update(INDArray g, double lr, long step);

    /**
     * Called once per step before {@link #update}, with the step's aggregated sums, for rules that consume
     * statistics beyond the gradient (e.g. executor-computed iterates in {@link StepSums#extras()}). Default: nothing.
     */
    protected void beforeUpdate(StepSums sums) {
    }

    /**
     * Called once per step with the exact change about to be applied, w ← w − {@code delta} (the rule's Δ masked to
     * trainable parameters, plus any decoupled decay), for rules that track the weights themselves (e.g. a moving
     * average). Must not modify {@code delta}. Default: nothing.
     */
    protected void afterUpdate(INDArray delta) {
    }

    /** Writes the rule's own arrays and scalars; the step counter is written by this class. */
    protected abstract void saveRuleState(OptimizerState state);

    protected abstract void restoreRuleState(OptimizerState state);

    @Override
    public final OptimizerState state() {
        OptimizerState s = new OptimizerState(name());
        s.put("step", step);
        saveRuleState(s);
        return s;
    }

    @Override
    public final void restore(OptimizerState state) {
        state.expect(name());
        step = state.getLong("step");
        restoreRuleState(state);
    }
}
