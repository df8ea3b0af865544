package dev.bigbatch.optimizer.stats;

import java.io.Serializable;

/**
 * A statistic an optimizer asks executors to compute on their shard beside the gradient (Kronecker factors, Neumann
 * inner-loop iterates, ...). Instances travel to executors inside the step's broadcast, so keep them small and
 * serializable; they add sums into the shard's {@link StepSums} under their own keys.
 */
public interface ShardStatistic extends Serializable {
    /**
     * Computes on this shard and adds the result (a sum, weighted by example count) into {@code sums}. Must leave the
     * replica's parameters as it found them, bit for bit, also when it throws (a statistic that evaluates other
     * points, as Neumann's inner loop does, restores them in a {@code finally}): the executor computes the next ghost
     * batch's gradient on the same replica without reloading the step's parameters.
     */
    void accumulate(ShardContext shard, StepSums sums);
}
