package dev.bigbatch.jobs.train;

import dev.bigbatch.jobs.data.CachedSplit;
import dev.bigbatch.optimizer.stats.StepSums;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.util.List;

/**
 * Distributed evaluation of a parameter vector on a cached split: loss, top-1, top-5 and per-class accuracy.
 * Partition results are merged on the driver in partition order, so the reported numbers are reproducible.
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

    public static Result run(JavaSparkContext sc, CachedSplit split, Broadcast<RunSpec> run, float[] params,
                             int batchSize) {
        Broadcast<float[]> bc = sc.broadcast(params);
        try {
            long version;
            synchronized (Evaluation.class) {
                version = versions--;
            }
            List<StepSums> parts = split.blocks().map(new EvalShard(run, bc, version, batchSize)).collect();
            StepSums total = new StepSums();
            parts.forEach(total::merge);
            float[] n = total.extraSum(EvalShard.PER_CLASS_TOTAL);
            float[] c = total.extraSum(EvalShard.PER_CLASS_CORRECT);
            double[] perClass = new double[n.length];
            for (int i = 0; i < n.length; i++) {
                perClass[i] = n[i] == 0 ? Double.NaN : c[i] / n[i];
            }
            return new Result(total.meanLoss(), total.top1(), total.top5(), total.count(), perClass);
        } finally {
            bc.destroy();
        }
    }
}
