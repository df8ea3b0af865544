package dev.bigbatch.jobs.train;

import dev.bigbatch.jobs.data.ExampleBlock;
import dev.bigbatch.optimizer.stats.StepSums;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Executor side of evaluation: inference-mode loss (cross-entropy), top-1 and top-5 counts, and per-class counts,
 * over one cached block, in batches of {@code batchSize}. Batch norm uses its running statistics. Images are decoded
 * ahead on {@code data.decode-threads} background threads ({@link EvalDecoding}).
 */
final class EvalShard implements Function<ExampleBlock, StepSums> {
    /** Keeps log(0) finite when a probability underflows: contributes at most −log(1e-30) ≈ 69 nats. */
    private static final double MIN_PROBABILITY = 1e-30;
    static final String PER_CLASS_TOTAL = "eval.class.total";
    static final String PER_CLASS_CORRECT = "eval.class.correct";

    private final Broadcast<RunSpec> run;
    private final Broadcast<float[]> params;
    private final long version;
    private final int batchSize;

    EvalShard(Broadcast<RunSpec> run, Broadcast<float[]> params, long version, int batchSize) {
        this.run = run;
        this.params = params;
        this.version = version;
        this.batchSize = batchSize;
    }

    @Override
    public StepSums call(ExampleBlock block) {
        RunSpec spec = run.value();
        int classes = spec.network().classes();
        StepSums sums = new StepSums();
        float[] total = new float[classes];
        float[] correct = new float[classes];
        dev.bigbatch.jobs.device.ExecutorDevice.bindForCurrentTask();
        Replica replica = ReplicaPool.borrow(spec.network());
        try (EvalDecoding batches = new EvalDecoding(spec, block, batchSize, "bigbatch-eval-decode")) {
            replica.load(version, params.value());
            while (batches.hasNext()) {
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
                sums.addExamples(n, loss, top1, top5);
            }
        } finally {
            ReplicaPool.giveBack(spec.network(), replica);
        }
        sums.addExtra(PER_CLASS_TOTAL, Nd4j.createFromArray(total), 1.0);
        sums.addExtra(PER_CLASS_CORRECT, Nd4j.createFromArray(correct), 1.0);
        return sums;
    }
}
