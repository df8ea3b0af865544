package dev.bigbatch.jobs.train;

import dev.bigbatch.jobs.SparkTestSession;
import dev.bigbatch.jobs.TestData;
import dev.bigbatch.jobs.checkpoint.CheckpointCadence;
import dev.bigbatch.jobs.data.CachedSplit;
import dev.bigbatch.jobs.io.RunFiles;
import dev.bigbatch.jobs.run.MetricsWriter;
import dev.bigbatch.jobs.run.TrainSettings;
import dev.bigbatch.model.ModelFactory;
import dev.bigbatch.model.ModelSpec;
import dev.bigbatch.model.NetworkSpec;
import dev.bigbatch.optimizer.OptimizerConfig;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The small training setup the Spark training tests share: a learnable {@link TestData} split of {@code 3×8×8}
 * images in 4 classes, written once per test class into a temporary directory that is deleted afterwards, and the
 * tiny network, run spec, settings and quiet {@link TrainingLoop} the tests train on it. Register it in a test class
 * with {@code @RegisterExtension static final SmallTrainingFixture DATA = new SmallTrainingFixture(examples, seed);}.
 */
public final class SmallTrainingFixture implements BeforeAllCallback, AfterAllCallback {
    public static final int CHANNELS = 3;
    /** Image height and width. */
    public static final int SIZE = 8;
    public static final int CLASSES = 4;
    /** Channels of the first stage of every network built by {@link #network(String)}. */
    public static final int WIDTH = 4;
    /** Weight-initialization seed of every network built by {@link #network(String)}. */
    public static final long MODEL_SEED = 5;
    /** {@code train.seed}: sampling and augmentation, in both the run spec and the settings, as the train command does. */
    public static final long SEED = 3;
    public static final int GHOST_BATCH = 8;
    public static final int EVAL_BATCH = 64;

    private final int examples;
    private final long dataSeed;
    private Path root;
    private String trainDir;
    private int runs;

    /** A split of {@code examples} images generated from {@code dataSeed}. */
    public SmallTrainingFixture(int examples, long dataSeed) {
        this.examples = examples;
        this.dataSeed = dataSeed;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        root = Files.createTempDirectory("bigbatch-" + context.getRequiredTestClass().getSimpleName());
        trainDir = root.resolve("train").toUri().toString();
        TestData.writeSplit(SparkTestSession.get(), trainDir, examples, CLASSES, CHANNELS, SIZE, SIZE, dataSeed);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (root == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    public int examples() {
        return examples;
    }

    /** The split's directory as a URI string. */
    public String trainDir() {
        return trainDir;
    }

    /** The split cached in {@code partitions} partitions; the caller releases it. */
    public CachedSplit load(int partitions) {
        return CachedSplit.load(SparkTestSession.get(), trainDir, partitions);
    }

    /** A fresh directory for one run's files under this fixture's temporary directory. */
    public Path newRunDirectory() {
        return root.resolve("run-" + runs++);
    }

    /** A quiet loop writing its metrics into a {@link #newRunDirectory() fresh run directory}. */
    public TrainingLoop loop(ComputationGraph net, CachedSplit split, RunSpec run, TrainSettings settings,
                             OptimizerConfig optimizer) {
        return loop(net, split, run, settings, optimizer, newRunDirectory());
    }

    /** A loop writing its metrics into {@code runDir}, with its console output discarded. */
    public static TrainingLoop loop(ComputationGraph net, CachedSplit split, RunSpec run, TrainSettings settings,
                                    OptimizerConfig optimizer, Path runDir) {
        var files = new RunFiles(runDir.toUri().toString(), new Configuration());
        return new TrainingLoop(SparkTestSession.context(), net, split, null, run, settings, optimizer,
                new MetricsWriter(files), new PrintStream(new ByteArrayOutputStream()));
    }

    /** {@code name} (small-cnn, resnet8, ...) at {@link #WIDTH} for this data, initialized from {@link #MODEL_SEED}. */
    public static ComputationGraph network(String name) {
        return ModelFactory.build(new ModelSpec(name, WIDTH, CLASSES, CHANNELS, SIZE, SIZE, MODEL_SEED));
    }

    /** The parameters {@link #network(String)} starts from. */
    public static float[] initialParameters(String name) {
        return network(name).params().toFloatVector();
    }

    /** Augmented training of {@code net} with {@link #SEED} and ghost batches of {@link #GHOST_BATCH}. */
    public static RunSpec runSpec(ComputationGraph net) {
        return runSpec(net, SEED);
    }

    public static RunSpec runSpec(ComputationGraph net, long seed) {
        return new RunSpec(NetworkSpec.of(net, CHANNELS, SIZE, SIZE), new TestData.FlipDecoder(CHANNELS, SIZE, SIZE),
                seed, true, GHOST_BATCH);
    }

    /** {@code steps} steps of {@code globalBatch} examples, logged every step, no evaluation or checkpoints. */
    public static TrainSettings settings(int globalBatch, long steps) {
        return settings(globalBatch, steps, 0, 0);
    }

    /**
     * As {@link #settings(int, long)}, evaluating every {@code evalEvery} steps and, at each evaluation, a training
     * sample of {@code trainSample} examples.
     */
    public static TrainSettings settings(int globalBatch, long steps, long evalEvery, int trainSample) {
        return new TrainSettings(globalBatch, GHOST_BATCH, steps, 0, SEED, evalEvery, 1, EVAL_BATCH, trainSample,
                TrainSettings.DEFAULT_BATCH_NORM_RECALIBRATION, true, new CheckpointCadence(0, 1), 0, false);
    }
}
