package dev.bigbatch.jobs.train;

import dev.bigbatch.jobs.SparkTestSession;
import dev.bigbatch.jobs.TestData;
import dev.bigbatch.jobs.data.CachedSplit;
import dev.bigbatch.jobs.run.MetricsWriter;
import dev.bigbatch.jobs.io.RunFiles;
import dev.bigbatch.jobs.run.TrainSettings;
import dev.bigbatch.model.ModelSpec;
import dev.bigbatch.optimizer.CommonSettings;
import dev.bigbatch.optimizer.regularization.WeightDecay;
import dev.bigbatch.optimizer.schedule.ScheduleConfig;
import dev.bigbatch.optimizer.sgd.MomentumSgd;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The same seed and config give the same parameters with 1, 2 and 4 partitions, and when a task's first attempt fails
 * and is retried: on a small CNN and on a ResNet with batch norm.
 */
class PartitionEquivalenceTest {
    static final int C = 3;
    static final int H = 8;
    static final int CLASSES = 4;
    @TempDir
    static Path tmp;
    static String trainDir;

    @BeforeAll
    static void data() {
        trainDir = tmp.resolve("train").toUri().toString();
        TestData.writeSplit(SparkTestSession.get(), trainDir, 200, CLASSES, C, H, H, 11);
    }

    static float[] train(String model, int partitions, long failStep) {
        return train(model, partitions, failStep, dev.bigbatch.jobs.run.DataSettings.DEFAULT_DECODE_THREADS);
    }

    static float[] train(String model, int partitions, long failStep, int decodeThreads) {
        SparkSession spark = SparkTestSession.get();
        CachedSplit split = CachedSplit.load(spark, trainDir, partitions);
        try {
            var net = dev.bigbatch.model.ModelFactory.build(new ModelSpec(model, 4, CLASSES, C, H, H, 5));
            RunSpec run = new RunSpec(dev.bigbatch.model.NetworkSpec.of(net, C, H, H), new TestData.FlipDecoder(C, H, H),
                    3, true, 8, decodeThreads);
            TrainSettings ts = new TrainSettings(64, 8, 3, 0, 3, 0, 1, 64, 0, true,
                    new dev.bigbatch.jobs.checkpoint.CheckpointCadence(0, 1), 0, false);
            var opt = new MomentumSgd.Config("momentum", new CommonSettings(0.05, ScheduleConfig.constant(0.05),
                    new WeightDecay(1e-4, "l2", Set.of()), 0), 0.9);
            var files = new RunFiles(tmp.resolve("run-" + model + "-" + partitions + "-" + failStep + "-" + decodeThreads)
                    .toUri().toString(),
                    new Configuration());
            ShardStep.failFirstAttemptOfStep = failStep;
            var loop = new TrainingLoop(SparkTestSession.context(), net, split, null, run, ts, opt, new MetricsWriter(files),
                    new PrintStream(new ByteArrayOutputStream()));
            return loop.run().network().params().toFloatVector();
        } finally {
            ShardStep.failFirstAttemptOfStep = -1;
            split.release();
        }
    }

    @Test
    void smallCnnSameParametersForOneTwoAndFourPartitions() {
        float[] one = train("small-cnn", 1, -1);
        float[] two = train("small-cnn", 2, -1);
        float[] four = train("small-cnn", 4, -1);
        float[] three = train("small-cnn", 3, -1);
        assertFalse(java.util.Arrays.equals(one, initial("small-cnn")), "training changed nothing");
        // Ghost batches are summed along one fixed tree, so the bits agree, not just the values.
        assertArrayEquals(one, two);
        assertArrayEquals(one, four);
        assertArrayEquals(one, three);
    }

    @Test
    void resnetWithBatchNormSameParametersForOneTwoAndFourPartitions() {
        float[] one = train("resnet8", 1, -1);
        float[] two = train("resnet8", 2, -1);
        float[] four = train("resnet8", 4, -1);
        assertFalse(java.util.Arrays.equals(one, initial("resnet8")), "training changed nothing");
        assertArrayEquals(one, two);
        assertArrayEquals(one, four);
    }

    @Test
    void retriedTaskGivesIdenticalResult() {
        float[] clean = train("resnet8", 2, -1);
        float[] retried = train("resnet8", 2, 1);
        assertArrayEquals(clean, retried);
    }

    @Test
    void decodingAheadOnAnyNumberOfThreadsGivesTheInlineBits() {
        float[] inline = train("small-cnn", 2, -1, 0);
        assertArrayEquals(inline, train("small-cnn", 2, -1, 1));
        assertArrayEquals(inline, train("small-cnn", 3, -1, 3));
    }

    static float[] initial(String model) {
        return dev.bigbatch.model.ModelFactory.build(new ModelSpec(model, 4, CLASSES, C, H, H, 5)).params().toFloatVector();
    }
}
