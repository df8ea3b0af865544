package dev.bigbatch.optimizer.kfac;

import dev.bigbatch.optimizer.stats.ShardContext;
import dev.bigbatch.optimizer.stats.ShardStatistic;
import dev.bigbatch.optimizer.stats.StepSums;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.List;

/**
 * What K-FAC asks of executors on factor-update steps: the Kronecker factor sums of every block of the replica
 * ({@link CurvatureBlocks}) over the shard. Travels in the step's request, so it holds only the Fisher type.
 *
 * <p>For each ghost batch: with the true Fisher, {@link FisherTargets} samples labels from the model's predictions
 * at the step's parameters, i.e. the output of the step's own training-mode gradient pass
 * ({@link ShardContext#stepOutputs}); then one forward/backward pass through {@link ShardContext#gradient} on those
 * labels (the true ones for the empirical Fisher) runs with {@link LayerRecorders} in place, and each block's
 * recorded layer input and pre-activation gradient enter {@link KroneckerFactorSums}. Cost on a factor step: one extra forward and backward pass per ghost batch (DL4J
 * recomputes the forward pass for the backward one) plus the factor products; the gradient of that pass is
 * discarded, the step's gradient being computed as usual. Measured on CIFAR ResNet-20 (docs/BENCHMARKS.md, issue 4).
 *
 * <p>The replica is left as it was found: its labels are only ever set by {@link ShardContext#gradient}, its
 * parameters are not touched (a backward pass does not change them), and the recorders are removed in all cases.
 *
 * @param fisher true (sampled targets) or empirical (training labels)
 */
public record KroneckerFactorStatistic(FisherType fisher) implements ShardStatistic {

    public KroneckerFactorStatistic {
        if (fisher == null) {
            throw new IllegalArgumentException("fisher type is required");
        }
    }

    @Override
    public void accumulate(ShardContext shard, StepSums sums) {
        compute(shard).addTo(sums);
    }

    /** The shard's factor sums, before packing; for tests. */
    KroneckerFactorSums compute(ShardContext shard) {
        Model net = shard.network();
        List<CurvatureBlocks.Bound> blocks = CurvatureBlocks.bind(net);
        FisherTargets targets = fisher == FisherType.TRUE ? FisherTargets.of(net) : null;
        List<DataSet> batches = shard.ghostBatches();
        List<long[]> ids = shard.exampleIds();
        if (ids.size() != batches.size()) {
            throw new IllegalStateException(batches.size() + " ghost batches but " + ids.size() + " example id arrays");
        }
        List<INDArray> outputs = targets == null ? null : shard.stepOutputs();
        if (targets != null && outputs.size() != batches.size()) {
            throw new IllegalStateException(batches.size() + " ghost batches but " + outputs.size() + " step outputs");
        }
        KroneckerFactorSums out = new KroneckerFactorSums();
        for (int i = 0; i < batches.size(); i++) {
            DataSet batch = batches.get(i);
            DataSet used = targets == null ? batch
                    : targets.relabel(batch, outputs.get(i), ids.get(i), shard.seed(), shard.step());
            try (LayerRecorders recorders = LayerRecorders.install(blocks)) {
                shard.gradient(used);
                for (CurvatureBlocks.Bound b : blocks) {
                    out.add(b.block(), recorders.input(b), recorders.preActivationGradient(b));
                }
            }
            out.countExamples(batch.numExamples());
        }
        return out;
    }
}
