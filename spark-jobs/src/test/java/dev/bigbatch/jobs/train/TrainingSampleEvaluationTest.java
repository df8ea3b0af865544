package dev.bigbatch.jobs.train;

import dev.bigbatch.jobs.SparkTestSession;
import dev.bigbatch.jobs.data.CachedSplit;
import dev.bigbatch.jobs.data.ExampleBlock;
import dev.bigbatch.jobs.report.MetricRecord;
import dev.bigbatch.jobs.report.MetricsLog;
import dev.bigbatch.jobs.run.MetricsWriter;
import dev.bigbatch.jobs.run.TrainSettings;
import dev.bigbatch.jobs.sampling.TrainingSample;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.broadcast.Broadcast;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code train.eval-train-sample}: the loop evaluates a fixed seeded sample of training examples at every evaluation,
 * at the optimizer's evaluation weights (Neumann's w − μm, not the displaced w it stores), and records it as
 * {@code train-sample}; the sample, and its numbers bit for bit, do not depend on the partitioning.
 */
class TrainingSampleEvaluationTest {
    static final int EXAMPLES = 100;
    static final int SAMPLE = 40;
    @RegisterExtension
    static final SmallTrainingFixture DATA = new SmallTrainingFixture(EXAMPLES, 21);

    @Test
    void sampleIsSeededSortedDistinctAndCappedAtTheSplit() {
        long[] a = TrainingSample.ids(EXAMPLES, SAMPLE, 3);
        assertArrayEquals(a, TrainingSample.ids(EXAMPLES, SAMPLE, 3));
        assertEquals(SAMPLE, a.length);
        for (int i = 0; i < a.length; i++) {
            assertTrue(a[i] >= 0 && a[i] < EXAMPLES, "id out of range: " + a[i]);
            assertTrue(i == 0 || a[i] > a[i - 1], "not ascending and distinct at " + i);
        }
        assertFalse(Arrays.equals(a, TrainingSample.ids(EXAMPLES, SAMPLE, 4)), "the seed does not matter");
        long[] all = TrainingSample.ids(EXAMPLES, 1000, 3);
        assertEquals(EXAMPLES, all.length);
        assertEquals(EXAMPLES - 1, all[EXAMPLES - 1]);
    }

    /**
     * Each partition of the selected split holds its chunks (16 consecutive sample ids each, the last 8) as one block
     * in id order, so the blocks in partition order are the sample itself.
     */
    @Test
    void selectedSplitHoldsTheSampleInChunksWhateverThePartitioning() {
        long[] ids = TrainingSample.ids(EXAMPLES, SAMPLE, 3);
        for (int partitions : new int[]{1, 2, 3}) {
            CachedSplit split = DATA.load(partitions);
            EvaluationSplit sample = EvaluationSplit.select(split, ids, 16, "sample");
            try {
                assertEquals(SAMPLE, sample.count());
                assertEquals(3, sample.layout().chunkCount());
                List<ExampleBlock> blocks = sample.blocks().collect();
                long[] got = blocks.stream().flatMapToLong(b -> LongStream.range(0, b.size()).map(i -> b.id((int) i)))
                        .toArray();
                assertArrayEquals(ids, got, partitions + " partitions");
                for (int p = 0; p < partitions; p++) {
                    assertEquals(sample.layout().examplesOf(p), blocks.get(p).size(), "partition " + p);
                }
            } finally {
                sample.release();
                split.release();
            }
        }
    }

    /** Before, the sample kept the training split's partitioning and its loss changed in the 9th digit with it. */
    @Test
    void sampleEvaluationHasTheSameBitsWhateverThePartitioning() {
        var net = SmallTrainingFixture.network("resnet8");
        Broadcast<RunSpec> bc = SparkTestSession.context().broadcast(SmallTrainingFixture.runSpec(net));
        float[] params = net.params().toFloatVector();
        Evaluation.Result first = null;
        try {
            for (int partitions : new int[]{1, 2, 3}) {
                CachedSplit split = DATA.load(partitions);
                EvaluationSplit sample = EvaluationSplit.select(split, TrainingSample.ids(EXAMPLES, SAMPLE, 3), 16,
                        "sample");
                try {
                    Evaluation.Result r = Evaluation.run(SparkTestSession.context(), sample, bc, params);
                    if (first == null) {
                        first = r;
                        assertEquals(SAMPLE, r.count());
                    } else {
                        EvaluationPartitionEquivalenceTest.assertSameBits(first, r, partitions + " partitions");
                    }
                } finally {
                    sample.release();
                    split.release();
                }
            }
        } finally {
            bc.destroy();
        }
    }

    @Test
    void neumannRunRecordsTheSampleLossAtItsEvaluationWeights() throws Exception {
        CachedSplit split = DATA.load(2);
        try {
            var net = SmallTrainingFixture.network("resnet8");
            RunSpec spec = SmallTrainingFixture.runSpec(net);
            // 3 steps per epoch; one SGD warm-up step, then three Neumann steps, so m is not zero at the end.
            TrainSettings ts = SmallTrainingFixture.settings(32, 4, 2, SAMPLE);
            Path runDir = DATA.newRunDirectory();
            var loop = SmallTrainingFixture.loop(net, split, spec, ts,
                    OptimizerPartitionEquivalenceTest.optimizer(OptimizerPartitionEquivalenceTest.NEUMANN
                            + ", mode = single-loop"), runDir);
            TrainingLoop.Result result = loop.run();
            List<MetricRecord> sampled = MetricsLog.read(org.apache.hadoop.fs.FileSystem.getLocal(new Configuration()),
                            new org.apache.hadoop.fs.Path(runDir.resolve(MetricsWriter.FILE).toUri())).records()
                    .stream().filter(r -> r.split().equals(TrainingLoop.TRAIN_SAMPLE)).toList();
            assertEquals(List.of(2L, 4L), sampled.stream().map(MetricRecord::step).toList());
            assertEquals(null, result.finalEval(), "no evaluation split was given");

            EvaluationSplit sample = EvaluationSplit.select(split, TrainingSample.ids(EXAMPLES, SAMPLE, 3),
                    SmallTrainingFixture.EVAL_BATCH, "expected sample");
            Broadcast<RunSpec> bc = SparkTestSession.context().broadcast(spec);
            try {
                float[] evalWeights = result.network().params().toFloatVector();
                Evaluation.Result expected = Evaluation.run(SparkTestSession.context(), sample, bc, evalWeights);
                assertEquals(SAMPLE, expected.count());
                assertEquals(expected.loss(), sampled.get(1).loss(), 0.0, "step 4 sample loss");
                assertEquals(expected.top1(), sampled.get(1).top1(), 0.0);
                assertNotEquals(sampled.get(0).loss(), sampled.get(1).loss(), "the two evaluations are the same");
            } finally {
                bc.destroy();
                sample.release();
            }
        } finally {
            split.release();
        }
    }
}
