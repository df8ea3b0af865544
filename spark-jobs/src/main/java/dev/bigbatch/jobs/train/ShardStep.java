package dev.bigbatch.jobs.train;

import dev.bigbatch.jobs.aggregate.GhostTree;
import dev.bigbatch.jobs.aggregate.RangeSum;
import dev.bigbatch.optimizer.stats.ShardStatistic;
import dev.bigbatch.optimizer.stats.StepSums;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

import java.util.Iterator;
import java.util.List;

/**
 * Executor side, second stage of a step: computes this partition's ghost batches, one at a time (so memory is one
 * ghost batch's activations), and returns the sums of its nodes of the ghost-batch tree. What it computes on each is
 * the {@link GhostPass}: a training step's gradient pass, or the forward pass of a batch-norm recalibration. The next
 * ghost batch is decoded on {@code data.decode-threads} background threads while the current one computes
 * ({@link GhostDecoding}), which are stopped when the task ends, whether it succeeds or fails.
 */
final class ShardStep implements Function2<Integer, Iterator<Tuple2<Integer, GhostMember>>, Iterator<RangeSum>> {
    /** Test hook (local mode only): fail the first attempt of this step's tasks, to prove retries are exact. */
    static volatile long failFirstAttemptOfStep = -1;

    private final Broadcast<RunSpec> run;
    private final Broadcast<StepPlan> plan;
    private final int partitions;
    private final GhostPass pass;

    ShardStep(Broadcast<RunSpec> run, Broadcast<StepPlan> plan, int partitions, GhostPass pass) {
        this.run = run;
        this.plan = plan;
        this.partitions = partitions;
        this.pass = pass;
    }

    @Override
    public Iterator<RangeSum> call(Integer partition, Iterator<Tuple2<Integer, GhostMember>> members) {
        RunSpec spec = run.value();
        StepPlan p = plan.value();
        int g = spec.ghostSize();
        int ghostCount = p.ghostCount(g);
        int[] range = GhostTree.ownedRange(partition, partitions, ghostCount);
        GhostMember[][] byGhost = new GhostMember[range[1] - range[0]][g];
        while (members.hasNext()) {
            Tuple2<Integer, GhostMember> t = members.next();
            GhostMember m = t._2();
            byGhost[t._1() - range[0]][m.position() % g] = m;
        }
        for (int j = 0; j < byGhost.length; j++) {
            for (int k = 0; k < g; k++) {
                if (byGhost[j][k] == null) {
                    long id = p.ids()[(range[0] + j) * g + k];
                    throw new IllegalStateException("step " + p.step() + ": example id " + id
                            + " is not in the cached training split");
                }
            }
        }
        TaskContext tc = TaskContext.get();
        if (tc != null && tc.attemptNumber() == 0 && failFirstAttemptOfStep == p.step()) {
            throw new IllegalStateException("injected failure of step " + p.step() + " partition " + partition);
        }
        try (GhostDecoding ghosts = new GhostDecoding(spec, p.epoch(), range[0], byGhost,
                "bigbatch-decode-step" + p.step() + "-p" + partition)) {
            dev.bigbatch.jobs.device.ExecutorDevice.bindForCurrentTask();
            Replica replica = ReplicaPool.borrow(spec.network());
            try {
                replica.load(p.step(), p.params());
                // sumRange asks for the leaves in index order, the order GhostDecoding decodes them in.
                List<RangeSum> nodes = GhostTree.sumRange(range[0], range[1], ghostCount,
                        j -> pass.sums(replica, ghosts.next(j), spec, p));
                return nodes.iterator();
            } finally {
                ReplicaPool.giveBack(spec.network(), replica);
            }
        }
    }

    static StepSums ghostSums(Replica replica, GhostBatch ghost, RunSpec spec, StepPlan p) {
        StepSums sums = new StepSums();
        Replica.GradientPass pass = replica.gradient(ghost.data().getFeatures(), ghost.data().getLabels());
        // Copy the gradient out of the replica's buffer into this ghost batch's float[] sum now, before any statistic
        // below runs another pass on the replica and overwrites the buffer.
        sums.addGradient(pass.gradientSum(), 1.0);
        long[] correct = Accuracy.count(pass.output(), ghost.data().getLabels(), 5);
        sums.addExamples(ghost.ids().length, pass.lossSum(), correct[0], correct[1]);
        List<ShardStatistic> stats = p.request().statistics();
        if (!stats.isEmpty()) {
            ExecutorShardContext ctx = new ExecutorShardContext(replica, ghost, p.step(), spec.seed(), pass.output(),
                    sums.gradientSum());
            for (ShardStatistic s : stats) {
                s.accumulate(ctx, sums); // leaves the replica's parameters as it found them (ShardStatistic contract)
            }
        }
        return sums;
    }
}
