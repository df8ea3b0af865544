package dev.bigbatch.jobs.train;

import dev.bigbatch.jobs.aggregate.GhostTree;
import dev.bigbatch.jobs.aggregate.RangeSum;
import dev.bigbatch.jobs.data.ExampleBlock;
import dev.bigbatch.optimizer.stats.StepSums;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * Executor side of evaluation: over the chunks one partition of an {@link EvaluationSplit} caches, each run through
 * the network as one batch, the inference-mode loss (cross-entropy), top-1 and top-5 counts, and per-class counts;
 * returns the partition's nodes of the tree over chunks ({@link GhostTree#sumRange}). Batch norm uses its running
 * statistics. Images are decoded ahead on {@code data.decode-threads} background threads ({@link EvalDecoding}).
 */
final class EvalShard implements Function2<Integer, Iterator<ExampleBlock>, Iterator<RangeSum>> {
    /** Keeps log(0) finite when a probability underflows: contributes at most −log(1e-30) ≈ 69 nats. */
    private static final double MIN_PROBABILITY = 1e-30;
    static final String PER_CLASS_TOTAL = "eval.class.total";
    static final String PER_CLASS_CORRECT = "eval.class.correct";
    /** Test hook (local mode only): fail the first attempt of every task, to prove retries give the same bits. */
    static volatile boolean failFirstAttempts;

    private final Broadcast<RunSpec> run;
    private final Broadcast<float[]> params;
    private final long version;
    private final EvaluationSplit.Layout layout;

    EvalShard(Broadcast<RunSpec> run, Broadcast<float[]> params, long version, EvaluationSplit.Layout layout) {
        this.run = run;
        this.params = params;
        this.version = version;
        this.layout = layout;
    }

    @Override
    public Iterator<RangeSum> call(Integer partition, Iterator<ExampleBlock> blocks) {
        ExampleBlock block = blocks.next();
        int[] chunks = layout.chunksOf(partition);
        if (block.size() != layout.examplesOf(partition) || blocks.hasNext()) {
            throw new IllegalStateException("partition " + partition + " does not hold the chunks " + chunks[0] + ".."
                    + (chunks[1] - 1) + " of " + layout + " as one block");
        }
        TaskContext tc = TaskContext.get();
        if (failFirstAttempts && tc != null && tc.attemptNumber() == 0) {
            throw new IllegalStateException("injected failure of evaluation partition " + partition);
        }
        if (chunks[0] == chunks[1]) {
            return Collections.emptyIterator();
        }
        RunSpec spec = run.value();
        dev.bigbatch.jobs.device.ExecutorDevice.bindForCurrentTask();
        Replica replica = ReplicaPool.borrow(spec.network());
        try (EvalDecoding batches = new EvalDecoding(spec, block, layout.batchSize(),
                "bigbatch-eval-decode-p" + partition)) {
            replica.load(version, params.value());
            // sumRange asks for the chunks in index order, the order the block holds and EvalDecoding decodes them in.
            List<RangeSum> nodes = GhostTree.sumRange(chunks[0], chunks[1], layout.chunkCount(),
                    j -> chunkSums(replica, batches, block, spec));
            return nodes.iterator();
        } finally {
            ReplicaPool.giveBack(spec.network(), replica);
        }
    }

    /** The sums of the next chunk of {@code batches}: its examples in id order, as one batch. */
    private static StepSums chunkSums(Replica replica, EvalDecoding batches, ExampleBlock block, RunSpec spec) {
        int classes = spec.network().classes();
        float[] total = new float[classes];
        float[] correct = new float[classes];
        int start = batches.nextStart();
        int n = batches.nextSize();
        float[] x = batches.next();
        var m = spec.network();
        INDArray features = Nd4j.create(x, new long[]{n, m.channels(), m.height(), m.width()}, 'c');
        float[][] probs = replica.network().output(false, features)[0].toFloatMatrix();
        double loss = 0;
        long top1 = 0;
        long top5 = 0;
        for (int i = 0; i < n; i++) {
            int label = block.label(start + i);
            float mine = probs[i][label];
            loss -= Math.log(Math.max(mine, MIN_PROBABILITY));
            int better = 0;
            for (int c = 0; c < classes; c++) {
                if (c != label && probs[i][c] >= mine) {
                    better++;
                }
            }
            total[label]++;
            if (better == 0) {
                top1++;
                correct[label]++;
            }
            if (better < 5) {
                top5++;
            }
        }
        StepSums sums = new StepSums();
        sums.addExamples(n, loss, top1, top5);
        sums.addExtra(PER_CLASS_TOTAL, Nd4j.createFromArray(total), 1.0);
        sums.addExtra(PER_CLASS_CORRECT, Nd4j.createFromArray(correct), 1.0);
        return sums;
    }
}
