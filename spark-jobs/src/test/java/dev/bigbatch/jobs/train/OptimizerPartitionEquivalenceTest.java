package dev.bigbatch.jobs.train;

import com.typesafe.config.ConfigFactory;
import dev.bigbatch.jobs.data.CachedSplit;
import dev.bigbatch.optimizer.OptimizerConfig;
import dev.bigbatch.optimizer.Optimizers;
import dev.bigbatch.optimizer.config.ConfigReader;
import dev.bigbatch.optimizer.neumann.NeumannConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Optimizers that ask executors for more than the gradient, or keep more state than momentum, give the same
 * parameters with 1, 2 and 4 partitions when trained through the real loop: two-loop Neumann (its inner loop runs on
 * the executors, one ghost batch at a time), single-loop Neumann and Adam. All on a ResNet-8 with batch norm, so the
 * displaced-weight gradients of the inner loop also pass through batch normalization.
 *
 * <p>Observed: the results are bit-identical, not just close. Every per-ghost-batch sum (gradient and
 * {@code neumann.iterate}) is formed on one ghost batch by one replica and summed along the fixed ghost tree, so no
 * float addition depends on the partitioning; the assertions are therefore exact.
 */
class OptimizerPartitionEquivalenceTest {
    static final int EXAMPLES = 100;
    static final int GLOBAL_BATCH = 32;
    /** 100 / 32 = 3 steps per epoch, so 4 steps cross an epoch boundary (a new permutation). */
    static final int STEPS = 4;
    /** One step of the SGD warm-up (round(0.34 × 3) = 1), then three Neumann steps. */
    static final String NEUMANN = "name = neumann, learning-rate = 0.05, weight-decay = 1e-4, sgd-warmup-epochs = 0.34";
    static final String TWO_LOOP = NEUMANN + ", mode = " + NeumannConfig.TWO_LOOP + ", inner-iterations = 2";
    @RegisterExtension
    static final SmallTrainingFixture DATA = new SmallTrainingFixture(EXAMPLES, 13);

    static OptimizerConfig optimizer(String hocon) {
        return Optimizers.read(new ConfigReader(ConfigFactory.parseString(hocon), "optimizer"));
    }

    /** Trains ResNet-8 for {@link #STEPS} steps and returns the evaluation parameters the loop leaves in the net. */
    static float[] train(String optimizerHocon, int partitions) {
        CachedSplit split = DATA.load(partitions);
        try {
            var net = SmallTrainingFixture.network("resnet8");
            var loop = DATA.loop(net, split, SmallTrainingFixture.runSpec(net),
                    SmallTrainingFixture.settings(GLOBAL_BATCH, STEPS), optimizer(optimizerHocon));
            return loop.run().network().params().toFloatVector();
        } finally {
            split.release();
        }
    }

    static void assertSameForOneTwoAndFourPartitions(String optimizerHocon) {
        float[] one = train(optimizerHocon, 1);
        float[] two = train(optimizerHocon, 2);
        float[] four = train(optimizerHocon, 4);
        assertFalse(Arrays.equals(one, SmallTrainingFixture.initialParameters("resnet8")), "training changed nothing");
        for (float p : one) {
            assertTrue(Float.isFinite(p), "non-finite parameter");
        }
        assertArrayEquals(one, two, "1 vs 2 partitions");
        assertArrayEquals(one, four, "1 vs 4 partitions");
    }

    @Test
    void twoLoopNeumannSameParametersForOneTwoAndFourPartitions() {
        assertSameForOneTwoAndFourPartitions(TWO_LOOP);
    }

    @Test
    void twoLoopNeumannStepsDifferFromItsSgdWarmup() {
        // Guards the test above against passing vacuously: if the inner-loop iterates never reached the driver, the
        // run would be plain SGD. The same config with a warm-up longer than the run must give other parameters.
        float[] neumann = train(TWO_LOOP, 1);
        float[] sgdOnly = train(TWO_LOOP.replace("sgd-warmup-epochs = 0.34", "sgd-warmup-epochs = 10"), 1);
        assertFalse(Arrays.equals(neumann, sgdOnly), "the Neumann steps changed nothing relative to SGD");
    }

    @Test
    void singleLoopNeumannSameParametersForOneTwoAndFourPartitions() {
        assertSameForOneTwoAndFourPartitions(NEUMANN + ", mode = " + NeumannConfig.SINGLE_LOOP);
    }

    @Test
    void adamSameParametersForOneTwoAndFourPartitions() {
        assertSameForOneTwoAndFourPartitions("name = adam, learning-rate = 0.01");
    }
}
