package dev.bigbatch.jobs.kfac;

import dev.bigbatch.jobs.SparkTestSession;
import dev.bigbatch.jobs.data.CachedSplit;
import dev.bigbatch.jobs.train.SmallTrainingFixture;
import dev.bigbatch.optimizer.CommonSettings;
import dev.bigbatch.optimizer.kfac.DampingMode;
import dev.bigbatch.optimizer.kfac.FisherType;
import dev.bigbatch.optimizer.kfac.InverseLocation;
import dev.bigbatch.optimizer.kfac.KfacConfig;
import dev.bigbatch.optimizer.regularization.WeightDecay;
import dev.bigbatch.optimizer.schedule.ScheduleConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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
    /** Three steps with factors every step and inverses every second: refreshes at steps 1 and 3 (one-based). */
    static final int STEPS = 3;
    @RegisterExtension
    static final SmallTrainingFixture DATA = new SmallTrainingFixture(200, 11);

    record Outcome(float[] params, int inverseJobs) {
    }

    static Outcome train(int partitions, InverseLocation inverseOn) {
        CachedSplit split = DATA.load(partitions);
        try (JobDescriptions jobs = JobDescriptions.listen(SparkTestSession.context())) {
            var net = SmallTrainingFixture.network("resnet8");
            var common = new CommonSettings(0.05, ScheduleConfig.constant(0.05),
                    new WeightDecay(1e-4, "l2", Set.of()), 0);
            var kfac = new KfacConfig(common, 1, 2, KfacConfig.DEFAULT_FACTOR_DECAY, 1e-2, DampingMode.TIKHONOV_EIGEN,
                    KfacConfig.DEFAULT_KL_CLIP, 0.9, FisherType.TRUE, inverseOn);
            var loop = DATA.loop(net, split, SmallTrainingFixture.runSpec(net),
                    SmallTrainingFixture.settings(32, STEPS), kfac);
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
        float[] initial = SmallTrainingFixture.initialParameters("resnet8");
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
