package dev.bigbatch.jobs.train;

import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.ParameterRole;
import dev.bigbatch.optimizer.stats.HostCopy;
import dev.bigbatch.optimizer.stats.StepRequest;
import dev.bigbatch.optimizer.stats.StepSums;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;

/**
 * Batch-norm running statistics recomputed at given weights, for optimizers that evaluate weights other than those
 * their training passes ran at (the single-loop Neumann optimizer stores w = u + μm and returns u = w − μm, while every
 * running statistic was gathered at w). As PyTorch's {@code torch.optim.swa_utils.update_bn} does for averaged weights
 * (Izmailov et al. 2018, "Averaging Weights Leads to Wider Optima", §3.2, "Batch normalization"): training-mode forward
 * passes at u over n batches of training data, and for every batch-norm channel
 * <pre>
 *   running mean = (1/n) Σ_b μ_b(u),      running variance = (1/n) Σ_b σ²_b(u)
 * </pre>
 * the cumulative average of the per-batch statistics ({@code update_bn} with {@code momentum = None}), with σ²_b the
 * biased batch variance DL4J's own running variance averages ({@link BatchNormStatistics}).
 *
 * <p>The batches are the n ghost batches of a fixed training sample
 * ({@link dev.bigbatch.jobs.sampling.BatchNormSample}; Izmailov et al. make one pass over the whole training set,
 * fvcore's {@code update_bn_stats} takes 200 batches), computed like a training step's ({@link DistributedStep} with
 * {@link GhostPass#BATCH_NORM_STATISTICS}): each ghost batch on one replica, augmented as training augments (as
 * {@code update_bn} runs over the training loader), summed along the ghost-batch tree, so the result has the same bits
 * for any partitioning. The augmentation is seeded as for an epoch {@value #EPOCH} that training never has: the same
 * at every recalibration, and never an epoch's.
 *
 * <p>Only evaluation and export see the result: the stored parameters, whose running statistics training goes on
 * moving, are not touched.
 */
public final class BatchNormRecalibration {
    /** The epoch the sample's augmentation is seeded with. */
    static final int EPOCH = -1;

    private final JavaSparkContext sc;
    private final DistributedStep distributed;
    private final ParameterLayout layout;
    private final BatchNormStatistics statistics;
    private final long[] ids;
    private final int ghostSize;

    /**
     * @param ids       the sample, ghost batch after ghost batch ({@link dev.bigbatch.jobs.sampling.BatchNormSample})
     * @param ghostSize examples per ghost batch, the run's
     */
    BatchNormRecalibration(JavaSparkContext sc, DistributedStep distributed, ParameterLayout layout, long[] ids,
                           int ghostSize) {
        if (ids.length == 0 || ids.length % ghostSize != 0) {
            throw new IllegalArgumentException("a sample of " + ids.length + " examples is not whole ghost batches of "
                    + ghostSize);
        }
        this.sc = sc;
        this.distributed = distributed;
        this.layout = layout;
        this.statistics = BatchNormStatistics.of(layout);
        this.ids = ids.clone();
        this.ghostSize = ghostSize;
    }

    /** Whether a network of {@code layout} has running statistics to recalibrate. */
    public static boolean applies(ParameterLayout layout) {
        return !layout.withRole(ParameterRole.NORM_STATISTIC).isEmpty();
    }

    int ghostBatches() {
        return ids.length / ghostSize;
    }

    int examples() {
        return ids.length;
    }

    /**
     * The running statistics for {@code weights}, packed as {@link #install} takes them, as DL4J stores them (the mean;
     * the variance, or log10 σ).
     *
     * @param step the step the weights are of, for Spark's job description and the replicas' parameter cache
     */
    INDArray statistics(INDArray weights, long step) {
        sc.setJobDescription("bigbatch recalibrate batch norm at step " + step);
        StepPlan plan = new StepPlan(step, EPOCH, ids, HostCopy.floats(weights), StepRequest.gradientOnly());
        StepSums sums = distributed.compute(plan, GhostPass.BATCH_NORM_STATISTICS);
        float[] sum = sums.extraSum(BatchNormStatistics.SUM);
        if (sum == null) {
            throw new IllegalStateException("step " + step + ": executors returned no batch-norm statistics");
        }
        return Nd4j.createFromArray(statistics.stored(sum, sums.count() / ghostSize));
    }

    /**
     * A copy of {@code weights} (a flat vector in {@code layout} order) whose batch-norm running statistics are
     * {@code packed}: the values of the {@link ParameterRole#NORM_STATISTIC} segments, concatenated in flat order.
     */
    public static INDArray install(INDArray weights, ParameterLayout layout, INDArray packed) {
        List<ParameterLayout.Segment> segments = layout.withRole(ParameterRole.NORM_STATISTIC);
        long total = segments.stream().mapToLong(ParameterLayout.Segment::length).sum();
        if (packed.length() != total) {
            throw new IllegalArgumentException(packed.length() + " batch-norm statistics for a network with " + total);
        }
        INDArray out = weights.dup().reshape(layout.size());
        INDArray values = packed.reshape(total).castTo(out.dataType());
        long at = 0;
        for (ParameterLayout.Segment s : segments) {
            out.get(NDArrayIndex.interval(s.offset(), s.offset() + s.length()))
                    .assign(values.get(NDArrayIndex.interval(at, at + s.length())));
            at += s.length();
        }
        return out;
    }
}
