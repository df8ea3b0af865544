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
     * The weights to evaluate and export. Most rules evaluate what they store; Neumann stores displaced weights
     * w + μm and returns w − μ(t)m here.
     */
    default INDArray evaluationParameters(INDArray params) {
        return params;
    }

    /** A deep copy of all state, enough to continue bit-exactly. */
    OptimizerState state();

    /** Replaces all state with {@code state}, as produced by {@link #state()} of an optimizer with equal config. */
    void restore(OptimizerState state);

    /**
     * From now on, evaluates the learning-rate schedule at the run's step, {@code runStep} for the next step, rather
     * than at {@link #stepCount()}. The two differ after a warm start that carried an earlier run's optimizer state
     * ({@code train.warm-start-optimizer = carry}): the state's own step count goes on, as the moments, curvature
     * averages and clocks it counts belong to that state, while the new run's schedule starts at its step 0 (as a new
     * PyTorch {@code LRScheduler} does over a loaded optimizer). Call it after {@link #restore}; the offset is not part
     * of the state, so a resumed run calls it again with its own step.
     *
     * @throws IllegalArgumentException if {@code runStep} is negative or beyond {@link #stepCount()}
     */
    void alignSchedule(long runStep);
}
