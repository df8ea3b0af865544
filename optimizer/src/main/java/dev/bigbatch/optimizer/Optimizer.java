package dev.bigbatch.optimizer;

import dev.bigbatch.optimizer.state.OptimizerState;
import dev.bigbatch.optimizer.stats.StepRequest;
import dev.bigbatch.optimizer.stats.StepSums;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A driver-side update rule with its state. Executors compute sums ({@link StepSums}); everything with memory across
 * steps (moments, momentum, moving averages, curvature inverses, the step counter) lives here.
 *
 * <p>The loop, each step: {@link #request(long)} tells executors what to compute beside the gradient; the sums are
 * aggregated; {@link #step} updates the parameters in place. Configuration is an immutable {@link OptimizerConfig};
 * state can be read with {@link #state()} and restored exactly with {@link #restore}: restore + step gives the same
 * bits as never stopping.
 */
public interface Optimizer {

    /** The name this optimizer is chosen by ({@code optimizer.name}). */
    String name();

    /** Steps taken so far (the index of the next step). */
    long stepCount();

    /** What executors must compute for step {@link #stepCount()}, beyond gradient, loss and counts. */
    default StepRequest request() {
        return StepRequest.gradientOnly();
    }

    /**
     * Takes one step: {@code params} (the flat vector in {@link ParameterLayout} order) is updated in place from the
     * aggregated sums. Batch-norm running statistics are updated by their mean delta, never by the update rule.
     */
    StepReport step(INDArray params, StepSums sums);

    /**
     * The weights to evaluate and export. Most rules evaluate what they store and return {@code params} itself;
     * Neumann stores displaced weights w + μm and returns w − μ(t)m here, a new array. Callers rely on the identity:
     * {@code params} itself means the weights every training pass ran at, whose batch-norm running statistics are
     * theirs; another array means other weights, for which the loop recalibrates those statistics
     * ({@code train.batch-norm-recalibration}). Never modifies {@code params}.
     */
    default INDArray evaluationParameters(INDArray params) {
        return params;
    }

    /**
     * From the next step on, the learning-rate schedule (its warm-up and decay) runs from its beginning, as in a new
     * run, while the rule's own clock ({@link #stepCount()}: Adam's bias correction, Neumann's SGD warm-up, resets
     * and μ(t), K-FAC's statistics and inverse periods) goes on with the state it belongs to. For a new run that
     * carries an earlier run's optimizer state ({@code train.warm-start-optimizer = carry}). Kept in {@link #state()}.
     */
    void restartLearningRateSchedule();

    /** A deep copy of all state, enough to continue bit-exactly. */
    OptimizerState state();

    /**
     * Replaces all state with {@code state}, as produced by {@link #state()} of an optimizer with equal config.
     *
     * @throws IllegalArgumentException if {@code state} does not fit this optimizer as configured: another optimizer's,
     *                                  or one written under settings that change what the state holds (e.g. the other
     *                                  Neumann mode); this optimizer is then left in no defined state
     */
    void restore(OptimizerState state);
}
