package dev.bigbatch.jobs.kfac;

import dev.bigbatch.jobs.SparkTestSession;
import dev.bigbatch.jobs.TestData;
import dev.bigbatch.jobs.checkpoint.CheckpointCadence;
import dev.bigbatch.jobs.data.CachedSplit;
import dev.bigbatch.jobs.io.RunFiles;
import dev.bigbatch.jobs.run.MetricsWriter;
import dev.bigbatch.jobs.run.TrainSettings;
import dev.bigbatch.jobs.train.RunSpec;
import dev.bigbatch.jobs.train.TrainingLoop;
import dev.bigbatch.model.ModelFactory;
import dev.bigbatch.model.ModelSpec;
import dev.bigbatch.model.NetworkSpec;
import dev.bigbatch.optimizer.CommonSettings;
import dev.bigbatch.optimizer.kfac.DampingMode;
import dev.bigbatch.optimizer.kfac.FisherType;
import dev.bigbatch.optimizer.kfac.InverseLocation;
import dev.bigbatch.optimizer.kfac.KfacConfig;
import dev.bigbatch.optimizer.regularization.WeightDecay;
import dev.bigbatch.optimizer.schedule.ScheduleConfig;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * K-FAC through the real training loop on a ResNet with batch norm: the same parameters with 1, 2 and 4 partitions,
 * and with the eigendecompositions on the executors or on the driver.
 */
class KfacTrainingTest {
    static final int C = 3;
    static final int H = 8;
    static final int CLASSES = 4;
    /** Three steps with factors every step and inverses every second: refreshes at steps 1 and 3 (one-based). */
    static final int STEPS = 3;
    @TempDir
    static Path tmp;
    static String trainDir;

    @BeforeAll
    static void data() {
        trainDir = tmp.resolve("train").toUri().toString();
        TestData.writeSplit(SparkTestSession.get(), trainDir, 200, CLASSES, C, H, H, 11);
    }

    record Outcome(float[] params, int inverseJobs) {
    }

    static Outcome train(int partitions, InverseLocation inverseOn) {
        CachedSplit split = CachedSplit.load(SparkTestSession.get(), trainDir, partitions);
        try (JobDescriptions jobs = JobDescriptions.listen(SparkTestSession.context())) {
            var net = ModelFactory.build(new ModelSpec("resnet8", 4, CLASSES, C, H, H, 5));
            RunSpec run = new RunSpec(NetworkSpec.of(net, C, H, H), new TestData.FlipDecoder(C, H, H), 3, true, 8);
            TrainSettings ts = new TrainSettings(32, 8, STEPS, 0, 3, 0, 1, 64, 0, true, new CheckpointCadence(0, 1), 0,
                    false);
            var common = new CommonSettings(0.05, ScheduleConfig.constant(0.05),
                    new WeightDecay(1e-4, "l2", Set.of()), 0);
            var kfac = new KfacConfig(common, 1, 2, KfacConfig.DEFAULT_FACTOR_DECAY, 1e-2, DampingMode.TIKHONOV_EIGEN,
                    KfacConfig.DEFAULT_KL_CLIP, 0.9, FisherType.TRUE, inverseOn);
            var files = new RunFiles(tmp.resolve("run-" + partitions + "-" + inverseOn).toUri().toString(),
                    new Configuration());
            var loop = new TrainingLoop(SparkTestSession.context(), net, split, null, run, ts, kfac,
                    new MetricsWriter(files), new PrintStream(new ByteArrayOutputStream()));
            float[] params = loop.run().network().params().toFloatVector();
            return new Outcome(params, jobs.inverseJobs().size());
        } finally {
            split.release();
        }
    }

    @Test
    void sameParametersForOneTwoAndFourPartitionsAndWhereverTheInversesRun() {
        Outcome one = train(1, InverseLocation.EXECUTORS);
        Outcome two = train(2, InverseLocation.EXECUTORS);
        Outcome four = train(4, InverseLocation.EXECUTORS);
        Outcome driver = train(2, InverseLocation.DRIVER);
        float[] initial = ModelFactory.build(new ModelSpec("resnet8", 4, CLASSES, C, H, H, 5)).params().toFloatVector();
        assertFalse(Arrays.equals(one.params(), initial), "training changed nothing");
        assertEquals(2, one.inverseJobs(), "one eigendecomposition job per refresh, on the executors");
        assertEquals(0, driver.inverseJobs(), "inverse-on = driver runs no Spark job for them");
        // Factors are summed along the ghost-batch tree like the gradient, so the bits agree, not just the values.
        assertArrayEquals(one.params(), two.params(), "1 vs 2 partitions");
        assertArrayEquals(one.params(), four.params(), "1 vs 4 partitions");
        // The same decomposition function and LAPACK in the same JVM: the executors' inverses are the driver's bits.
        assertArrayEquals(driver.params(), two.params(), "inverse-on = executors vs driver");
    }
}
