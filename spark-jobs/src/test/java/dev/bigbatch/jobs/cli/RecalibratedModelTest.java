package dev.bigbatch.jobs.cli;

import dev.bigbatch.jobs.checkpoint.Checkpoint;
import dev.bigbatch.jobs.checkpoint.CheckpointStore;
import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.ParameterRole;
import dev.bigbatch.optimizer.state.Npy;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.bigbatch.jobs.cli.MainTest.main;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A single-loop Neumann run's returned models carry batch-norm statistics recalibrated at their weights u = w − μm
 * ({@code train.batch-norm-recalibration}): {@code model.zip}, and {@code export} (and so {@code evaluate}) of each
 * checkpoint, whose stored weights w keep the running statistics training moves.
 */
class RecalibratedModelTest {
    @TempDir
    static Path tmp;

    static float[] statistics(float[] params, ParameterLayout layout) {
        float[] out = new float[0];
        for (ParameterLayout.Segment s : layout.withRole(ParameterRole.NORM_STATISTIC)) {
            int at = out.length;
            out = Arrays.copyOf(out, at + (int) s.length());
            System.arraycopy(params, (int) s.offset(), out, at, (int) s.length());
        }
        return out;
    }

    @Test
    void modelZipAndExportedCheckpointsHaveTheStatisticsOfTheirWeights() throws Exception {
        String dataset = MainTest.syntheticDataset(tmp, 256, 64, 3, 4);
        Path run = tmp.resolve("neumann");
        // 4 steps per epoch: one SGD warm-up step, three Neumann steps; 3 ghost batches of 32 recalibrate.
        MainTest.Outcome t = main("train", "--out", run.toUri().toString(), "--set", "data.path=" + dataset,
                "--set", "model.name=small-cnn", "--set", "model.width=4", "--set", "train.global-batch-size=64",
                "--set", "train.steps=4", "--set", "train.checkpoint-every=2", "--set", "optimizer.name=neumann",
                "--set", "optimizer.sgd-warmup-epochs=0.25", "--set", "optimizer.learning-rate=0.05",
                "--set", "train.batch-norm-recalibration=3");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("batch-norm statistics recalibrated at the evaluation weights (neumann evaluates "
                + "other weights than it trains at) over 3 ghost batches (96 training examples)"), t.out());

        Configuration conf = new Configuration();
        var model = SavedModels.load(run.resolve("model.zip").toString(), conf);
        ParameterLayout layout = ParameterLayout.of(model);
        float[] zip = model.params().toFloatVector();
        CheckpointStore store = CheckpointStore.inRun(run.toUri().toString(), conf, 9);
        for (long step : new long[]{2, 4}) {
            Checkpoint c = store.read(step);
            assertNotNull(c.batchNormStatistics(), "ckpt-" + step + " has no recalibrated statistics");
            float[] recalibrated = c.batchNormStatistics().toFloatVector();
            assertFalse(Arrays.equals(statistics(c.parameters().toFloatVector(), layout), recalibrated),
                    "ckpt-" + step + ": the recalibrated statistics are the stored ones");
            Path npy = tmp.resolve("ckpt-" + step + ".npy");
            MainTest.Outcome ex = main("export", "--model", run.resolve("checkpoints/ckpt-" + step).toString(),
                    "--out", npy.toUri().toString());
            assertEquals(0, ex.code(), ex.err());
            float[] exported;
            try (InputStream in = Files.newInputStream(npy)) {
                exported = Npy.read(in, npy.toString()).toFloatVector();
            }
            assertArrayEquals(recalibrated, statistics(exported, layout), "ckpt-" + step + " exported");
            if (step == 4) {
                assertArrayEquals(zip, exported, "model.zip and the last checkpoint's export");
            }
        }
    }
}
