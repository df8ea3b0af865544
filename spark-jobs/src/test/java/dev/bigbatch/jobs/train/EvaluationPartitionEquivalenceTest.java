package dev.bigbatch.jobs.train;

import dev.bigbatch.jobs.SparkTestSession;
import dev.bigbatch.jobs.TestData;
import dev.bigbatch.jobs.data.CachedSplit;
import dev.bigbatch.jobs.data.ExampleRecord;
import dev.bigbatch.jobs.exit.DataError;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.RowFactory;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An evaluation gives the same bits whatever the partitioning: every example is evaluated in the same batch (chunk k
 * of the id-ordered split) and the chunks are summed along one fixed tree. Before, an example's batch was cut from
 * whichever examples its partition held, and the network's float output depends on the batch it runs in: the loss
 * differed between 1, 2 and 3 partitions from the 9th digit on.
 */
class EvaluationPartitionEquivalenceTest {
    static final int EXAMPLES = 300;
    /** 300 examples in chunks of 64: four full chunks and one of 44. */
    static final int BATCH = 64;
    @RegisterExtension
    static final SmallTrainingFixture DATA = new SmallTrainingFixture(EXAMPLES, 21);

    static Evaluation.Result evaluate(int partitions, float[] params, RunSpec spec) {
        EvaluationSplit split = EvaluationSplit.load(SparkTestSession.get(), DATA.trainDir(), partitions, BATCH);
        Broadcast<RunSpec> bc = SparkTestSession.context().broadcast(spec);
        try {
            assertEquals(partitions, split.partitions());
            return Evaluation.run(SparkTestSession.context(), split, bc, params);
        } finally {
            bc.destroy();
            split.release();
        }
    }

    @Test
    void sameNumbersBitForBitWhateverThePartitionCount() {
        var net = SmallTrainingFixture.network("resnet8");
        RunSpec spec = SmallTrainingFixture.runSpec(net);
        float[] params = net.params().toFloatVector();
        Evaluation.Result one = evaluate(1, params, spec);
        assertEquals(EXAMPLES, one.count());
        // 7 partitions: more than the 5 chunks, so two partitions hold none.
        for (int partitions : new int[]{2, 3, 7}) {
            assertSameBits(one, evaluate(partitions, params, spec), partitions + " partitions");
        }
    }

    @Test
    void retriedTasksGiveTheSameBits() {
        var net = SmallTrainingFixture.network("small-cnn");
        RunSpec spec = SmallTrainingFixture.runSpec(net);
        float[] params = net.params().toFloatVector();
        Evaluation.Result clean = evaluate(3, params, spec);
        Evaluation.Result retried;
        EvalShard.failFirstAttempts = true;
        try {
            retried = evaluate(3, params, spec);
        } finally {
            EvalShard.failFirstAttempts = false;
        }
        assertSameBits(clean, retried, "retried tasks");
    }

    /** Every number of two evaluations, bit for bit. */
    static void assertSameBits(Evaluation.Result expected, Evaluation.Result actual, String what) {
        assertEquals(expected.count(), actual.count(), what);
        assertEquals(expected.loss(), actual.loss(), 0.0, what);
        assertEquals(expected.top1(), actual.top1(), 0.0, what);
        assertEquals(expected.top5(), actual.top5(), 0.0, what);
        assertArrayEquals(expected.perClass(), actual.perClass(), 0.0, what);
    }

    /**
     * The numbers are those of a plain loop on the driver: the id-ordered examples in batches of 64 through the same
     * network, per-batch loss sums added in the tree's order, ((c0 + c1) + (c2 + c3)) + c4, and counts.
     */
    @Test
    void equalsAPlainLoopOverConsecutiveIdBatches() {
        ComputationGraph net = SmallTrainingFixture.network("resnet8");
        RunSpec spec = SmallTrainingFixture.runSpec(net);
        List<ExampleRecord> records = CachedSplit.records(SparkTestSession.get(), DATA.trainDir()).collect()
                .stream().sorted(Comparator.comparingLong(ExampleRecord::id)).toList();
        int len = spec.decoder().outputLength();
        double[] chunkLoss = new double[5];
        long top1 = 0;
        long[] total = new long[SmallTrainingFixture.CLASSES];
        long[] correct = new long[SmallTrainingFixture.CLASSES];
        for (int k = 0; k < chunkLoss.length; k++) {
            int n = Math.min(BATCH, EXAMPLES - k * BATCH);
            float[] x = new float[n * len];
            for (int i = 0; i < n; i++) {
                spec.decoder().decode(records.get(k * BATCH + i).image(), false, 0, x, i * len);
            }
            float[][] p = net.output(false, Nd4j.create(x, new long[]{n, SmallTrainingFixture.CHANNELS,
                    SmallTrainingFixture.SIZE, SmallTrainingFixture.SIZE}, 'c'))[0].toFloatMatrix();
            for (int i = 0; i < n; i++) {
                int label = records.get(k * BATCH + i).label();
                chunkLoss[k] -= Math.log(p[i][label]);
                boolean best = true;
                for (int c = 0; c < p[i].length; c++) {
                    best &= c == label || p[i][c] < p[i][label];
                }
                total[label]++;
                if (best) {
                    top1++;
                    correct[label]++;
                }
            }
        }
        double lossSum = ((chunkLoss[0] + chunkLoss[1]) + (chunkLoss[2] + chunkLoss[3])) + chunkLoss[4];
        Evaluation.Result r = evaluate(3, net.params().toFloatVector(), spec);
        assertEquals(lossSum / EXAMPLES, r.loss(), 0.0);
        assertEquals((double) top1 / EXAMPLES, r.top1(), 0.0);
        for (int c = 0; c < total.length; c++) {
            assertEquals((float) correct[c] / total[c], r.perClass()[c], 0.0, "class " + c);
        }
    }

    @Test
    void anIdOutsideTheSplitsRangeIsADataErrorNamingIt() {
        String dir = DATA.newRunDirectory().resolve("gap").toUri().toString();
        byte[] img = new byte[SmallTrainingFixture.CHANNELS * SmallTrainingFixture.SIZE * SmallTrainingFixture.SIZE];
        SparkTestSession.get().createDataFrame(List.of(RowFactory.create(0L, 1, -1, img),
                RowFactory.create(5L, 2, -1, img)), TestData.SCHEMA).write().parquet(dir);
        Exception e = assertThrows(Exception.class, () -> EvaluationSplit.load(SparkTestSession.get(), dir, 2, 4));
        Throwable t = e;
        while (t != null && !(t instanceof DataError)) {
            t = t.getCause();
        }
        assertTrue(t != null && t.getMessage().contains("example id 5 is outside 0..1"), String.valueOf(e));
    }
}
