package dev.bigbatch.jobs.train;

import dev.bigbatch.optimizer.stats.ShardStatistic;
import dev.bigbatch.optimizer.stats.StepRequest;
import dev.bigbatch.optimizer.stats.StepSums;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A ghost batch's gradient sum is the gradient of that ghost batch even when a statistic runs further passes on the
 * replica: the replica hands out its own gradient buffer, which the next pass overwrites, so the step must copy it
 * into the ghost batch's sum before any statistic runs.
 */
class ShardStepTest {
    @Test
    void ghostGradientIsKeptWhenAStatisticRunsAnotherPass() {
        TwoGhosts f = new TwoGhosts();
        StepSums alone = ShardStep.ghostSums(f.replica, f.ghost, f.run, plan(f.params, StepRequest.gradientOnly()));
        float[] otherGradient = ShardStep.ghostSums(f.replica, f.other, f.run,
                plan(f.params, StepRequest.gradientOnly())).gradientSum();
        assertFalse(java.util.Arrays.equals(alone.gradientSum(), otherGradient), "the two ghost batches agree");

        ShardStatistic passOnOther = (shard, sums) -> shard.gradient(f.other.data());
        StepSums withStatistic = ShardStep.ghostSums(f.replica, f.ghost, f.run,
                plan(f.params, new StepRequest(List.of(passOnOther))));
        assertArrayEquals(alone.gradientSum(), withStatistic.gradientSum());
    }

    /** What a statistic reads as the step's gradient is the ghost batch's own, even after another pass. */
    @Test
    void statisticsSeeTheGhostsStepGradientAfterOtherPasses() {
        TwoGhosts f = new TwoGhosts();
        float[][] seen = new float[2][];
        ShardStatistic reader = (shard, sums) -> {
            seen[0] = shard.stepGradients().get(0).toFloatVector();
            shard.gradient(f.other.data());
            seen[1] = shard.stepGradients().get(0).toFloatVector();
        };
        StepSums sums = ShardStep.ghostSums(f.replica, f.ghost, f.run,
                plan(f.params, new StepRequest(List.of(reader))));
        assertArrayEquals(sums.gradientSum(), seen[0]);
        assertArrayEquals(sums.gradientSum(), seen[1], "after a pass on another ghost batch");
        float[] fresh = ShardStep.ghostSums(f.replica, f.ghost, f.run, plan(f.params, StepRequest.gradientOnly()))
                .gradientSum();
        assertArrayEquals(fresh, seen[0], "the pass at the step's parameters, run again");
    }

    /** A replica at step 1 of a tiny run, and two different ghost batches of it. */
    private static final class TwoGhosts {
        final RunSpec run = GhostDecodingTest.run(0);
        final Replica replica = new Replica(run.network());
        final float[] params = replica.network().params().toFloatVector();
        final GhostBatch ghost;
        final GhostBatch other;

        TwoGhosts() {
            GhostMember[][] members = GhostDecodingTest.members(2, 17);
            ghost = GhostBatch.decode(0, members[0], run, 0);
            other = GhostBatch.decode(1, members[1], run, 0);
            replica.load(1, params);
        }
    }

    private static StepPlan plan(float[] params, StepRequest request) {
        return new StepPlan(1, 0, new long[2 * GhostDecodingTest.G], params, request);
    }
}
