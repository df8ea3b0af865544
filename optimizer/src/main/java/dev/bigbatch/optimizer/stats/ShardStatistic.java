package dev.bigbatch.optimizer.stats;

import java.io.Serializable;

/**
 * A statistic an optimizer asks executors to compute on their shard beside the gradient (Kronecker factors, Neumann
 * inner-loop iterates, ...). Instances travel to executors inside the step's broadcast, so keep them small and
 * serializable; they add sums into the shard's {@link StepSums} under their own keys.
 */
public interface ShardStatistic extends Serializable {
    /** Computes on this shard and adds the result (a sum, weighted by example count) into {@code sums}. */
    void accumulate(ShardContext shard, StepSums sums);
}
