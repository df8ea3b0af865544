package dev.bigbatch.jobs.cli;

import dev.bigbatch.jobs.checkpoint.Checkpoint;
import dev.bigbatch.jobs.checkpoint.CheckpointScan;
import dev.bigbatch.jobs.checkpoint.CheckpointStore;
import dev.bigbatch.jobs.exit.DataError;
import dev.bigbatch.jobs.run.TrainSettings;
import dev.bigbatch.jobs.train.RunCheckpoints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bigbatch.optimizer.Optimizer;
import dev.bigbatch.optimizer.config.ConfigError;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * {@code --warm-start MODEL_OR_RUN}: a new run (step 0) from earlier weights.
 * <ul>
 *   <li>{@code train.warm-start-optimizer = fresh} (the default): the weights of a {@code model.zip}, of a checkpoint
 *       directory {@code RUN/checkpoints/ckpt-N} (its evaluation weights; how a diverged run is restarted from its last
 *       good step) or of a run directory's {@code model.zip}, and a new optimizer with a fresh schedule;</li>
 *   <li>{@code carry}: a run directory's newest valid checkpoint, finished run or not: the weights it stores together
 *       with the optimizer state they belong to (for Neumann the stored weights are the displaced w + μm its m goes
 *       with, not the exported w − μm). The optimizer's own clock goes on from the checkpoint's step (Adam's bias
 *       correction, Neumann's warm-up, resets and μ, K-FAC's periods: that state is only meaningful with it); the
 *       learning-rate schedule starts again, as in a new run. The state must restore into the optimizer as configured
 *       (the same optimizer, with settings that do not change what its state holds, such as Neumann's mode), which
 *       is tried before training starts.</li>
 * </ul>
 */
final class WarmStart {
    private static final ObjectMapper JSON = new ObjectMapper();

    private WarmStart() {
    }

    /**
     * @param optimizer the optimizer as configured, built as the loop will build it: a carried state must restore
     *                  into it ({@link Optimizer#restore}), or the start fails here with a {@link ConfigError} rather
     *                  than later, in the loop, as an internal error
     */
    static RunCheckpoints.Start start(String source, ComputationGraph net, TrainSettings settings,
                                      Supplier<Optimizer> optimizer, Configuration conf, PrintStream out) {
        if (source == null) {
            return RunCheckpoints.Start.fresh(net.params().dup());
        }
        try {
            boolean isCheckpoint = new Path(source).getName().startsWith("ckpt-");
            boolean isRun = !source.endsWith(".zip") && !isCheckpoint;
            if (settings.carryOptimizer()) {
                if (!isRun) {
                    throw new ConfigError("train.warm-start-optimizer", "'carry' needs --warm-start to name a run "
                            + "directory (its checkpoints hold the optimizer state), not " + source);
                }
                return carry(source, net, optimizer, conf, out);
            }
            String model = isRun ? new Path(source, RunDirectory.MODEL).toString() : source;
            ComputationGraph earlier = SavedModels.load(model, conf);
            if (!Arrays.equals(earlier.params().shape(), net.params().shape())
                    || !sameNetwork(earlier.getConfiguration().toJson(), net.getConfiguration().toJson())) {
                throw differentNetwork(model, earlier.params().length(), net);
            }
            out.println("bigbatch train: warm start from " + model);
            return RunCheckpoints.Start.fresh(earlier.params().dup());
        } catch (IOException e) {
            throw new DataError("--warm-start " + source + ": " + e.getMessage(), e);
        }
    }

    private static RunCheckpoints.Start carry(String run, ComputationGraph net, Supplier<Optimizer> optimizer,
                                              Configuration conf, PrintStream out) throws IOException {
        CheckpointScan scan = CheckpointStore.inRun(run, conf, 1).latestValid();
        Checkpoint c = scan.checkpoint().orElseThrow(() -> new DataError("--warm-start " + run
                + ": no valid checkpoint to carry the optimizer state from" + (scan.rejected().isEmpty() ? ""
                : " (" + String.join("; ", scan.rejected()) + ")")));
        Path networkFile = new Path(run, SavedModels.NETWORK);
        if (!sameNetwork(SavedModels.readText(networkFile.getFileSystem(conf), networkFile),
                net.getConfiguration().toJson())
                || c.parameters().length() != net.params().length()) {
            throw differentNetwork(networkFile.toString(), c.parameters().length(), net);
        }
        String carried = c.optimizerState().optimizer();
        Optimizer configured = optimizer.get();
        if (!carried.equals(configured.name())) {
            throw new ConfigError("train.warm-start-optimizer", "'carry': the checkpoint of " + run + " holds the state"
                    + " of optimizer '" + carried + "', but optimizer.name is '" + configured.name() + "'; use the "
                    + "same optimizer or warm-start-optimizer = fresh");
        }
        try {
            configured.restore(c.optimizerState());
        } catch (IllegalArgumentException e) {
            String checkpoint = scan.directory().map(Path::toString).orElse(run);
            throw new ConfigError("train.warm-start-optimizer", "'carry': the optimizer state of " + checkpoint
                    + " (step " + c.step() + ") does not fit optimizer.* as configured: " + e.getMessage()
                    + ". Carry it only into an optimizer configured like the one that wrote it (see "
                    + new Path(run, RunDirectory.CONFIG) + ", e.g. the same optimizer.mode), or use "
                    + "warm-start-optimizer = fresh");
        }
        out.println("bigbatch train: warm start from " + scan.directory().map(Path::toString).orElse(run)
                + " with its optimizer state (step " + c.step() + "); the learning-rate schedule starts again");
        return RunCheckpoints.Start.carrying(c);
    }

    /**
     * Whether two DL4J configurations (JSON) describe the same network, apart from the initialization seed
     * ({@code train.seed} ends up in every layer's configuration; a warm start does not use the initialization, and a
     * retraining pipeline may well change the seed).
     */
    static boolean sameNetwork(String json, String other) {
        try {
            return withoutSeeds(JSON.readTree(json)).equals(withoutSeeds(JSON.readTree(other)));
        } catch (IOException e) {
            throw new DataError("--warm-start: unreadable network configuration: " + e.getMessage(), e);
        }
    }

    private static JsonNode withoutSeeds(JsonNode node) {
        if (node instanceof ObjectNode o) {
            o.remove("seed");
        }
        node.forEach(WarmStart::withoutSeeds);
        return node;
    }

    private static ConfigError differentNetwork(String source, long params, ComputationGraph net) {
        return new ConfigError("--warm-start", source + " is a different network than model.* configures ("
                + params + " vs " + net.params().length() + " parameters)");
    }
}
