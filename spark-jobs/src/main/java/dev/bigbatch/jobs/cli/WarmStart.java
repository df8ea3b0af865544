package dev.bigbatch.jobs.cli;

import dev.bigbatch.jobs.checkpoint.CheckpointScan;
import dev.bigbatch.jobs.checkpoint.CheckpointStore;
import dev.bigbatch.jobs.exit.DataError;
import dev.bigbatch.jobs.run.TrainSettings;
import dev.bigbatch.jobs.train.RunCheckpoints;
import dev.bigbatch.optimizer.config.ConfigError;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;

/**
 * {@code --warm-start MODEL_OR_RUN}: a new run (step 0, fresh schedule) from earlier weights — a {@code model.zip}, a
 * checkpoint directory {@code RUN/checkpoints/ckpt-N} (its evaluation weights; how a diverged run is restarted from
 * its last good step), or a run directory, whose {@code model.zip} is used and, with
 * {@code train.warm-start-optimizer = carry}, the optimizer state of its newest valid checkpoint.
 */
final class WarmStart {
    private WarmStart() {
    }

    static RunCheckpoints.Start start(String source, ComputationGraph net, TrainSettings settings, Configuration conf,
                                      PrintStream out) {
        if (source == null) {
            return RunCheckpoints.Start.fresh(net.params().dup());
        }
        try {
            boolean isCheckpoint = new Path(source).getName().startsWith("ckpt-");
            boolean isRun = !source.endsWith(".zip") && !isCheckpoint;
            String model = isRun ? new Path(source, RunDirectory.MODEL).toString() : source;
            ComputationGraph earlier = SavedModels.load(model, conf);
            if (!Arrays.equals(earlier.params().shape(), net.params().shape())
                    || !earlier.getConfiguration().toJson().equals(net.getConfiguration().toJson())) {
                throw new ConfigError("--warm-start", model + " is a different network than model.* configures ("
                        + earlier.params().length() + " vs " + net.params().length() + " parameters)");
            }
            var state = (dev.bigbatch.optimizer.state.OptimizerState) null;
            if (settings.carryOptimizer()) {
                if (!isRun) {
                    throw new ConfigError("train.warm-start-optimizer", "'carry' needs --warm-start to name a run "
                            + "directory (its checkpoints hold the optimizer state), not " + source);
                }
                CheckpointScan scan = CheckpointStore.inRun(source, conf, 1).latestValid();
                state = scan.checkpoint().orElseThrow(() -> new DataError("--warm-start " + source
                        + ": no valid checkpoint to carry the optimizer state from")).optimizerState();
            }
            out.println("bigbatch train: warm start from " + model + (state != null ? " with its optimizer state" : ""));
            return new RunCheckpoints.Start(0, earlier.params().dup(), state, Double.NaN);
        } catch (IOException e) {
            throw new DataError("--warm-start " + source + ": " + e.getMessage(), e);
        }
    }
}
