package dev.bigbatch.jobs.train;

import dev.bigbatch.jobs.aggregate.GhostTree;
import org.apache.spark.Partitioner;

/**
 * Sends ghost batch j of a step to the partition that owns it: G ghost batches split into P contiguous, balanced
 * ranges ({@link GhostTree#ownedRange}), so each partition's share is a few subtrees of the ghost-batch tree. An
 * {@link EvaluationSplit} places its chunks (evaluation batches) with it the same way, once, when it is cached.
 */
final class GhostPartitioner extends Partitioner {
    private final int partitions;
    private final int ghostCount;

    GhostPartitioner(int partitions, int ghostCount) {
        this.partitions = partitions;
        this.ghostCount = ghostCount;
    }

    @Override
    public int numPartitions() {
        return partitions;
    }

    @Override
    public int getPartition(Object key) {
        return ownerOf((Integer) key, partitions, ghostCount);
    }

    /** The p with floor(pG/P) ≤ j < floor((p+1)G/P), i.e. ⌈(j+1)P/G⌉ − 1. */
    static int ownerOf(int ghost, int partitions, int ghostCount) {
        return (int) (((long) (ghost + 1) * partitions + ghostCount - 1) / ghostCount) - 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GhostPartitioner g && g.partitions == partitions && g.ghostCount == ghostCount;
    }

    @Override
    public int hashCode() {
        return partitions * 31 + ghostCount;
    }
}
