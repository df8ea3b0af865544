package dev.bigbatch.jobs.train;

import dev.bigbatch.jobs.data.CachedSplit;
import dev.bigbatch.jobs.run.DataSettings;
import dev.bigbatch.optimizer.CommonSettings;
import dev.bigbatch.optimizer.regularization.WeightDecay;
import dev.bigbatch.optimizer.schedule.ScheduleConfig;
import dev.bigbatch.optimizer.sgd.MomentumSgd;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Arrays;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The same seed and config give the same parameters with 1, 2 and 4 partitions, and when a task's first attempt fails
 * and is retried: on a small CNN and on a ResNet with batch norm.
 */
class PartitionEquivalenceTest {
    @RegisterExtension
    static final SmallTrainingFixture DATA = new SmallTrainingFixture(200, 11);

    static float[] train(String model, int partitions, long failStep) {
        return train(model, partitions, failStep, DataSettings.DEFAULT_DECODE_THREADS);
    }

    static float[] train(String model, int partitions, long failStep, int decodeThreads) {
        CachedSplit split = DATA.load(partitions);
        try {
            var net = SmallTrainingFixture.network(model);
            RunSpec run = SmallTrainingFixture.runSpec(net).withDecodeThreads(decodeThreads);
            var opt = new MomentumSgd.Config("momentum", new CommonSettings(0.05, ScheduleConfig.constant(0.05),
                    new WeightDecay(1e-4, "l2", Set.of()), 0), 0.9);
            ShardStep.failFirstAttemptOfStep = failStep;
            var loop = DATA.loop(net, split, run, SmallTrainingFixture.settings(64, 3), opt);
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
        assertFalse(Arrays.equals(one, SmallTrainingFixture.initialParameters("small-cnn")), "training changed nothing");
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
        assertFalse(Arrays.equals(one, SmallTrainingFixture.initialParameters("resnet8")), "training changed nothing");
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
}
