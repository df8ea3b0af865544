package dev.bigbatch.jobs.train;

import dev.bigbatch.jobs.aggregate.GhostTree;
import dev.bigbatch.jobs.aggregate.RangeSum;
import dev.bigbatch.jobs.data.CachedSplit;
import dev.bigbatch.optimizer.stats.StepSums;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.List;

/**
 * The Spark side of one step: broadcast the plan (parameters included), route each ghost batch's examples to the
 * partition that owns it, compute there, bring the tree nodes to the driver, destroy the broadcast.
 *
 * <p>Aggregation is a tree like {@code treeAggregate}'s, but along the ghost-batch tree ({@link GhostTree}) so that
 * the sums are bit-identical whatever the task completion order: with more than {@link #FAN_IN} partitions, nodes are
 * first combined on the executors in groups of contiguous ghost batches (a shuffle of one small record per group
 * member), and only the group results travel to the driver.
 */
public final class DistributedStep {
    /** Most partial results the driver collects at once; beyond, executors combine first. */
    static final int FAN_IN = 8;

    private final JavaSparkContext sc;
    private final CachedSplit train;
    private final Broadcast<RunSpec> run;

    public DistributedStep(JavaSparkContext sc, CachedSplit train, Broadcast<RunSpec> run) {
        this.sc = sc;
        this.train = train;
        this.run = run;
    }

    /** The sums of a training step's gradient passes. */
    public StepSums compute(StepPlan plan) {
        return compute(plan, GhostPass.TRAINING);
    }

    /** The sums of {@code pass} over the plan's ghost batches, at the plan's parameters. */
    StepSums compute(StepPlan plan, GhostPass pass) {
        int g = run.value().ghostSize();
        int ghostCount = plan.ghostCount(g);
        int partitions = train.partitions();
        Broadcast<StepPlan> bc = sc.broadcast(plan);
        try {
            JavaRDD<RangeSum> nodes = train.blocks()
                    .flatMapToPair(new SelectMembers(bc, g))
                    .partitionBy(new GhostPartitioner(partitions, ghostCount))
                    .mapPartitionsWithIndex(new ShardStep(run, bc, partitions, pass), true);
            int width = partitions;
            while (width > FAN_IN) {
                width = (width + FAN_IN - 1) / FAN_IN;
                nodes = combineLevel(nodes, ghostCount, width);
            }
            StepSums total = GhostTree.root(nodes.collect(), ghostCount);
            if (total.count() != plan.ids().length) {
                throw new IllegalStateException("step " + plan.step() + " aggregated " + total.count() + " examples, planned "
                        + plan.ids().length);
            }
            return total;
        } finally {
            bc.destroy();
        }
    }

    private static JavaRDD<RangeSum> combineLevel(JavaRDD<RangeSum> nodes, int ghostCount, int groups) {
        return nodes.mapToPair(n -> new Tuple2<>((int) ((long) n.lo() * groups / ghostCount), n))
                .groupByKey(groups)
                .flatMap(t -> {
                    List<RangeSum> members = new ArrayList<>();
                    t._2().forEach(members::add);
                    return GhostTree.combine(members, ghostCount).iterator();
                });
    }
}
