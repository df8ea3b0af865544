package dev.bigbatch.jobs.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import dev.bigbatch.jobs.SparkTestSession;
import dev.bigbatch.jobs.checkpoint.Checkpoint;
import dev.bigbatch.jobs.checkpoint.CheckpointCadence;
import dev.bigbatch.jobs.checkpoint.CheckpointStore;
import dev.bigbatch.jobs.checkpoint.ConfigFingerprint;
import dev.bigbatch.jobs.data.CachedSplit;
import dev.bigbatch.jobs.run.MetricsWriter;
import dev.bigbatch.jobs.run.TrainSettings;
import dev.bigbatch.jobs.sampling.BatchNormSample;
import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.ParameterRole;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.broadcast.Broadcast;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * {@code train.batch-norm-recalibration} in the loop: for single-loop Neumann it changes what is evaluated and
 * returned (the running statistics of u = w − μm, recomputed over the sample) and nothing that is trained or resumed
 * from; for a first-order rule it changes nothing at all.
 */
class RecalibratedTrainingTest {
    static final int EXAMPLES = 100;
    static final int BATCHES = 4;
    static final int GLOBAL_BATCH = 32;
    /** 3 steps per epoch: one SGD warm-up step, then three Neumann steps; checkpoints after steps 2 and 4. */
    static final int STEPS = 4;
    static final int SAMPLE = 40;
    static final Set<String> TIMINGS = Set.of("time", "images_per_sec", "step_time_ms");
    @RegisterExtension
    static final SmallTrainingFixture DATA = new SmallTrainingFixture(EXAMPLES, 29);

    record Run(float[] returned, List<ObjectNode> train, List<ObjectNode> evaluations, List<Checkpoint> checkpoints) {
    }

    static TrainSettings settings(int recalibration) {
        return new TrainSettings(GLOBAL_BATCH, SmallTrainingFixture.GHOST_BATCH, STEPS, 0, SmallTrainingFixture.SEED,
                2, 1, SmallTrainingFixture.EVAL_BATCH, SAMPLE, recalibration, true, new CheckpointCadence(2, 5), 0,
                false);
    }

    static Run train(String optimizer, int recalibration, CachedSplit split) throws Exception {
        var net = SmallTrainingFixture.network("small-cnn");
        Path dir = DATA.newRunDirectory();
        Configuration conf = new Configuration();
        CheckpointStore store = CheckpointStore.inRun(dir.toUri().toString(), conf, 5);
        TrainSettings settings = settings(recalibration);
        TrainingLoop.Result r = SmallTrainingFixture.loop(net, split, SmallTrainingFixture.runSpec(net), settings,
                        OptimizerPartitionEquivalenceTest.optimizer(optimizer), dir)
                .checkpointing(new RunCheckpoints(store, settings.checkpoints(), ConfigFingerprint.of(
                        ConfigFactory.empty())))
                .run();
        List<ObjectNode> train = new ArrayList<>();
        List<ObjectNode> evaluations = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(dir.resolve(MetricsWriter.FILE))) {
            ObjectNode o = (ObjectNode) json.readTree(line);
            o.remove(TIMINGS);
            (o.get("split").asText().equals("train") ? train : evaluations).add(o);
        }
        return new Run(r.network().params().toFloatVector(), train, evaluations, List.of(store.read(2), store.read(4)));
    }

    static void assertSameTraining(Run a, Run b) {
        assertEquals(a.train(), b.train(), "training metrics");
        assertEquals(STEPS, a.train().size());
        for (int i = 0; i < a.checkpoints().size(); i++) {
            Checkpoint x = a.checkpoints().get(i);
            Checkpoint y = b.checkpoints().get(i);
            assertArrayEquals(x.parameters().toFloatVector(), y.parameters().toFloatVector(), "stored weights");
            assertEquals(x.optimizerState().longs(), y.optimizerState().longs());
            assertEquals(x.optimizerState().arrays().keySet(), y.optimizerState().arrays().keySet());
            x.optimizerState().arrays().forEach((k, v) -> assertArrayEquals(v.toFloatVector(),
                    y.optimizerState().array(k).toFloatVector(), k));
        }
    }

    @Test
    void neumannReturnsRecalibratedStatisticsAndTrainsTheSameBits() throws Exception {
        String neumann = OptimizerPartitionEquivalenceTest.NEUMANN + ", mode = single-loop";
        CachedSplit split = DATA.load(2);
        try {
            Run on = train(neumann, BATCHES, split);
            Run off = train(neumann, 0, split);
            assertSameTraining(on, off);
            assertNotEquals(on.evaluations(), off.evaluations(), "recalibration changed no evaluation");

            ParameterLayout layout = ParameterLayout.of(SmallTrainingFixture.network("small-cnn"));
            List<ParameterLayout.Segment> stats = layout.withRole(ParameterRole.NORM_STATISTIC);
            // Off, the returned weights are u with the stored statistics; on, u with the recalibrated ones.
            for (ParameterLayout.Segment s : layout.segments()) {
                float[] a = slice(on.returned(), s);
                float[] b = slice(off.returned(), s);
                if (s.role() == ParameterRole.NORM_STATISTIC) {
                    assertFalse(java.util.Arrays.equals(a, b), s + " was not recalibrated");
                } else {
                    assertArrayEquals(b, a, s + " is not u's");
                }
            }
            INDArray last = on.checkpoints().get(1).batchNormStatistics();
            assertNotNull(last, "the checkpoint has no recalibrated statistics");
            assertNotNull(on.checkpoints().get(0).batchNormStatistics());
            off.checkpoints().forEach(c -> assertNull(c.batchNormStatistics(), "recalibration was off"));
            float[] packed = new float[(int) last.length()];
            int at = 0;
            for (ParameterLayout.Segment s : stats) {
                float[] v = slice(on.returned(), s);
                System.arraycopy(v, 0, packed, at, v.length);
                at += v.length;
            }
            assertArrayEquals(last.toFloatVector(), packed, "model and final checkpoint disagree");

            // The loop's sample, seed and ghost size: a recalibration of the off run's returned weights, made here,
            // gives the on run's statistics.
            Broadcast<RunSpec> run = SparkTestSession.context().broadcast(SmallTrainingFixture.runSpec(
                    SmallTrainingFixture.network("small-cnn")));
            try {
                var recalibration = new BatchNormRecalibration(SparkTestSession.context(),
                        new DistributedStep(SparkTestSession.context(), split, run), layout,
                        BatchNormSample.ids(EXAMPLES, BATCHES, SmallTrainingFixture.GHOST_BATCH,
                                SmallTrainingFixture.SEED), SmallTrainingFixture.GHOST_BATCH);
                INDArray u = org.nd4j.linalg.factory.Nd4j.createFromArray(off.returned());
                assertArrayEquals(packed, recalibration.statistics(u, STEPS).toFloatVector());
            } finally {
                run.destroy();
            }
        } finally {
            split.release();
        }
    }

    @Test
    void firstOrderRunsAreTheSameBitsWithRecalibrationOnOrOff() throws Exception {
        CachedSplit split = DATA.load(2);
        try {
            String momentum = "name = momentum, learning-rate = 0.05";
            Run on = train(momentum, BATCHES, split);
            Run off = train(momentum, 0, split);
            assertSameTraining(on, off);
            assertEquals(off.evaluations(), on.evaluations(), "evaluations");
            assertArrayEquals(off.returned(), on.returned(), "returned weights");
            on.checkpoints().forEach(c -> assertNull(c.batchNormStatistics(), "momentum evaluates what it stores"));
        } finally {
            split.release();
        }
    }

    static float[] slice(float[] v, ParameterLayout.Segment s) {
        return java.util.Arrays.copyOfRange(v, (int) s.offset(), (int) (s.offset() + s.length()));
    }
}
