package dev.bigbatch.jobs.train;

import dev.bigbatch.optimizer.stats.StepSums;

/**
 * What a task computes on each of its ghost batches, at the plan's parameters: the training step's gradient pass, or
 * the forward pass that gathers batch-norm statistics for {@link BatchNormRecalibration}. Either way the
 * per-ghost-batch sums are added along the ghost-batch tree, so the result does not depend on the partitioning.
 */
enum GhostPass {
    /** Forward/backward in training mode: gradient, loss, counts and the optimizer's statistics ({@link ShardStep}). */
    TRAINING {
        @Override
        StepSums sums(Replica replica, GhostBatch ghost, RunSpec spec, StepPlan plan) {
            return ShardStep.ghostSums(replica, ghost, spec, plan);
        }
    },
    /** Forward in training mode only: each batch-norm layer's batch mean and variance ({@link BatchNormStatistics}). */
    BATCH_NORM_STATISTICS {
        @Override
        StepSums sums(Replica replica, GhostBatch ghost, RunSpec spec, StepPlan plan) {
            return BatchNormStatistics.of(replica.layout()).ghostSums(replica.network(), ghost);
        }
    };

    abstract StepSums sums(Replica replica, GhostBatch ghost, RunSpec spec, StepPlan plan);
}
