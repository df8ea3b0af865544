package dev.bigbatch.jobs.cli;

import dev.bigbatch.data.dataset.DatasetLayout;
import dev.bigbatch.data.dataset.DatasetManifest;
import dev.bigbatch.jobs.checkpoint.Checkpoint;
import dev.bigbatch.jobs.checkpoint.CheckpointStore;
import dev.bigbatch.jobs.exit.DataError;
import dev.bigbatch.jobs.run.ConfigLoader;
import dev.bigbatch.jobs.run.RunConfig;
import dev.bigbatch.jobs.train.BatchNormRecalibration;
import dev.bigbatch.jobs.train.TrainingLoop;
import dev.bigbatch.model.NetworkSpec;
import dev.bigbatch.optimizer.Optimizer;
import dev.bigbatch.optimizer.ParameterLayout;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads a trained network from any Hadoop URI: a DL4J ModelSerializer zip ({@code RUN/model.zip}), or a checkpoint
 * directory ({@code RUN/checkpoints/ckpt-N}), whose network comes from {@code RUN/network.json} and whose weights are
 * the optimizer's evaluation weights (for Neumann, w − μm rather than the stored displaced w), rebuilt from the
 * checkpoint's optimizer state and the run's {@code config.conf}, with the batch-norm running statistics the
 * checkpoint recalibrated at them ({@code train.batch-norm-recalibration}), as {@code model.zip} has them.
 */
public final class SavedModels {
    public static final String NETWORK = "network.json";
    private static final Logger LOG = LoggerFactory.getLogger(SavedModels.class);

    private SavedModels() {
    }

    /**
     * The run directory a saved model belongs to: {@code RUN} for {@code RUN/model.zip} and for
     * {@code RUN/checkpoints/ckpt-N}; null when the path has no such parent.
     */
    public static Path runDirectory(Path model) {
        Path parent = model.getParent();
        if (model.getName().startsWith("ckpt-") && parent != null && parent.getParent() != null) {
            return parent.getParent();
        }
        return parent;
    }

    public static ComputationGraph load(String uri, Configuration conf) throws IOException {
        Path p = new Path(uri);
        FileSystem fs = p.getFileSystem(conf);
        if (!fs.exists(p)) {
            throw new DataError("no model at " + uri + " (expected RUN/model.zip or RUN/checkpoints/ckpt-N)");
        }
        if (fs.getFileStatus(p).isDirectory()) {
            return fromCheckpoint(p, fs, conf);
        }
        try (FSDataInputStream in = fs.open(p)) {
            return ModelSerializer.restoreComputationGraph(in, false);
        } catch (RuntimeException e) {
            throw new DataError(uri + " is not a DL4J ComputationGraph model zip: " + e.getMessage(), e);
        }
    }

    private static ComputationGraph fromCheckpoint(Path dir, FileSystem fs, Configuration conf) throws IOException {
        String name = dir.getName();
        if (!name.startsWith("ckpt-") || dir.getParent() == null || dir.getParent().getParent() == null) {
            throw new DataError(dir + " is neither a model zip nor a checkpoint directory (RUN/checkpoints/ckpt-N)");
        }
        long step;
        try {
            step = Long.parseLong(name.substring("ckpt-".length()));
        } catch (NumberFormatException e) {
            throw new DataError(dir + " is not a checkpoint directory (expected ckpt-<step>)");
        }
        Path run = runDirectory(dir);
        Checkpoint c = new CheckpointStore(dir.getParent(), conf, Integer.MAX_VALUE).read(step);
        ComputationGraph net = new NetworkSpec(readText(fs, new Path(run, NETWORK)), 0, 0, 0, 0).build();
        RunConfig cfg = RunConfig.from(ConfigLoader.loadText(readText(fs, new Path(run, RunDirectory.CONFIG)),
                List.of()));
        DatasetManifest manifest = PreparedDatasets.manifest(cfg.data().generate()
                ? new Path(run, "dataset").toString() : cfg.data().path(), conf);
        ParameterLayout layout = ParameterLayout.of(net);
        // Built as the run built it: Neumann's μ(t), and so its evaluation weights, depend on the steps per epoch.
        Optimizer opt = TrainingLoop.optimizerFor(cfg.optimizer(), layout, cfg.train(),
                manifest.split(DatasetLayout.TRAIN).count());
        opt.restore(c.optimizerState());
        var params = c.parameters().castTo(net.params().dataType()).reshape(layout.size());
        var weights = opt.evaluationParameters(params);
        if (c.batchNormStatistics() != null) {
            weights = BatchNormRecalibration.install(weights, layout, c.batchNormStatistics());
        } else if (weights != params && cfg.train().batchNormRecalibration() > 0
                && BatchNormRecalibration.applies(layout)) {
            LOG.warn("{} has no recalibrated batch-norm statistics (written before train.batch-norm-recalibration "
                    + "existed, or while it was 0): its evaluation weights keep the running statistics of its stored "
                    + "weights", dir);
        }
        net.setParams(weights);
        return net;
    }

    /** A run file written by {@code train}; a data error naming it if it is missing. */
    static String readText(FileSystem fs, Path p) throws IOException {
        if (!fs.exists(p)) {
            throw new DataError("missing " + p + " (written by train at the start of a run)");
        }
        try (FSDataInputStream in = fs.open(p)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
