package dev.bigbatch.jobs.cli;

import dev.bigbatch.data.dataset.DatasetLayout;
import dev.bigbatch.data.dataset.DatasetManifest;
import dev.bigbatch.jobs.checkpoint.Checkpoint;
import dev.bigbatch.jobs.exit.DataError;
import dev.bigbatch.jobs.run.DataSettings;
import dev.bigbatch.jobs.run.RunConfig;
import dev.bigbatch.jobs.sampling.GlobalBatchSampler;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * What only the dataset can tell {@code train}, checked as soon as its manifest is read: before any split is loaded
 * and before anything of the run is written, so that a start that fails leaves the run directory as it was. The
 * config's own checks ran when it was read; {@link WarmStart} checks an earlier run's weights and optimizer state.
 */
final class StartChecks {
    private StartChecks() {
    }

    /**
     * A step must fit in the training split, a classifier needs two classes, and {@code data.classes}, when set, must
     * be the number the manifest lists (the model has one output per listed class: a CIFAR-100 config pointed at a
     * CIFAR-10 dataset would otherwise train a 10-class model).
     *
     * @throws dev.bigbatch.optimizer.config.ConfigError naming {@code train.global-batch-size} for a split too small
     * @throws DataError                                  for too few classes, or another number than
     *                                                    {@code data.classes}
     */
    static void dataset(DatasetManifest manifest, String dataset, RunConfig cfg) {
        GlobalBatchSampler.checkFits(manifest.split(DatasetLayout.TRAIN).count(), cfg.train().globalBatchSize(),
                "the training split of " + dataset);
        if (manifest.numClasses() < 2) {
            throw new DataError(dataset + ": the manifest lists " + manifest.numClasses() + " class(es) "
                    + manifest.classes() + "; a classifier needs at least 2. Was the dataset prepared from a single "
                    + "class's folder or tar instead of the whole tree?");
        }
        int expected = cfg.data().classes();
        if (expected != DataSettings.CLASSES_FROM_MANIFEST && manifest.numClasses() != expected) {
            throw new DataError("data.classes is " + expected + ", but dataset " + dataset + " lists "
                    + manifest.numClasses() + " classes in its " + DatasetLayout.MANIFEST + ". Set data.path to a "
                    + "dataset of " + expected + " classes (or prepare it again, from the right source), or change "
                    + "data.classes");
        }
    }

    /**
     * The checkpoint a run resumes from must fit the network built now from the dataset's manifest. The config is the
     * same (its fingerprint was checked), so a difference means the dataset at {@code data.path} was replaced since
     * the run started, by one of other classes: refused here rather than failing inside the loop.
     */
    static void resumable(Checkpoint c, ComputationGraph net, String dataset, DatasetManifest manifest) {
        long stored = c.parameters().length();
        if (stored != net.params().length()) {
            throw new DataError("dataset " + dataset + " lists " + manifest.numClasses() + " classes now, for a "
                    + "network of " + net.params().length() + " parameters, but the checkpoint of step " + c.step()
                    + " this run resumes from holds " + stored + ": the dataset at data.path was replaced since the "
                    + "run started. Put the dataset it was trained on back, or train a new --out on this one");
        }
    }
}
