package dev.bigbatch.jobs.train;

import dev.bigbatch.jobs.SparkTestSession;
import dev.bigbatch.jobs.data.CachedSplit;
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

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code train.eval-train-sample}: the loop evaluates a fixed seeded sample of training examples at every evaluation,
 * at the optimizer's evaluation weights (Neumann's w − μm, not the displaced w it stores), and records it as
 * {@code train-sample}; the sample does not depend on the partitioning.
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

    @Test
    void selectedSplitHoldsExactlyTheSampleWhateverThePartitioning() {
        long[] ids = TrainingSample.ids(EXAMPLES, SAMPLE, 3);
        for (int partitions : new int[]{1, 3}) {
            CachedSplit split = DATA.load(partitions);
            CachedSplit sample = split.select(ids, "sample");
            try {
                assertEquals(SAMPLE, sample.count());
                long[] got = sample.blocks().flatMap(b -> {
                    Long[] out = new Long[b.size()];
                    for (int i = 0; i < b.size(); i++) {
                        out[i] = b.id(i);
                    }
                    return List.of(out).iterator();
                }).collect().stream().mapToLong(Long::longValue).sorted().toArray();
                assertArrayEquals(ids, got, partitions + " partitions");
            } finally {
                sample.release();
                split.release();
            }
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

            CachedSplit sample = split.select(TrainingSample.ids(EXAMPLES, SAMPLE, 3), "expected sample");
            Broadcast<RunSpec> bc = SparkTestSession.context().broadcast(spec);
            try {
                float[] evalWeights = result.network().params().toFloatVector();
                Evaluation.Result expected = Evaluation.run(SparkTestSession.context(), sample, bc, evalWeights,
                        SmallTrainingFixture.EVAL_BATCH);
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
