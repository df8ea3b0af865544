package dev.bigbatch.jobs.train;

import dev.bigbatch.jobs.aggregate.GhostTree;
import dev.bigbatch.jobs.aggregate.RangeSum;
import dev.bigbatch.optimizer.stats.StepSums;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.util.Arrays;
import java.util.List;

/**
 * Distributed evaluation of a parameter vector on an {@link EvaluationSplit}: loss, top-1, top-5 and per-class
 * accuracy. Each chunk of the split (b consecutive examples in id order) runs through the network as one batch, and
 * the chunks' sums are combined along one fixed binary tree over the chunk index ({@link GhostTree}, as a training
 * step's ghost batches are), so the numbers are the same bits for any partition count, any number of executors and
 * any task completion order, and a retried task changes nothing.
 */
public final class Evaluation {
    private static long versions = -1;

    private Evaluation() {
    }

    /**
     * @param loss     mean cross-entropy
     * @param top1     fraction correct
     * @param top5     fraction with the label among the five highest scores
     * @param count    examples evaluated
     * @param perClass top-1 accuracy of each class (NaN for a class with no examples)
     */
    public record Result(double loss, double top1, double top5, long count, double[] perClass) {
    }

    /** Evaluates {@code params} on {@code split}, in its chunks ({@link EvaluationSplit.Layout#batchSize}). */
    public static Result run(JavaSparkContext sc, EvaluationSplit split, Broadcast<RunSpec> run, float[] params) {
        Broadcast<float[]> bc = sc.broadcast(params);
        try {
            long version;
            synchronized (Evaluation.class) {
                version = versions--;
            }
            EvaluationSplit.Layout layout = split.layout();
            List<RangeSum> nodes = split.blocks()
                    .mapPartitionsWithIndex(new EvalShard(run, bc, version, layout), true)
                    .collect();
            StepSums total = layout.chunkCount() == 0 ? new StepSums() : GhostTree.root(nodes, layout.chunkCount());
            if (total.count() != layout.examples()) {
                throw new IllegalStateException("evaluated " + total.count() + " examples of " + layout);
            }
            double[] perClass = new double[run.value().network().classes()];
            Arrays.fill(perClass, Double.NaN);
            float[] n = total.extraSum(EvalShard.PER_CLASS_TOTAL);
            float[] c = total.extraSum(EvalShard.PER_CLASS_CORRECT);
            for (int i = 0; n != null && i < n.length; i++) {
                if (n[i] > 0) {
                    perClass[i] = c[i] / n[i];
                }
            }
            return new Result(total.meanLoss(), total.top1(), total.top5(), total.count(), perClass);
        } finally {
            bc.destroy();
        }
    }
}
