package dev.bigbatch.jobs.aggregate;

import dev.bigbatch.optimizer.stats.StepSums;

import java.io.Serializable;

/**
 * The sums of one node of the ghost-batch tree: ghost batches {@code [lo, min(lo + 2^level, G))} of a step.
 *
 * @param lo    first ghost batch
 * @param level log2 of the node's span in the padded tree
 * @param sums  the node's sums
 */
public record RangeSum(int lo, int level, StepSums sums) implements Serializable {
    public long span() {
        return 1L << level;
    }
}
