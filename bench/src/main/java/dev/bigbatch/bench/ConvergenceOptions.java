package dev.bigbatch.bench;

import dev.bigbatch.jobs.run.ConfigLoader;
import dev.bigbatch.jobs.run.RunConfig;
import dev.bigbatch.model.ModelSpec;
import dev.bigbatch.optimizer.config.ConfigError;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The options of {@link ConvergenceBench}, declared with their defaults ({@link #declaration}) and read and checked
 * before anything runs: an unknown key, a group name in {@code only} or {@code rates.NAME} that is not one of
 * {@link ConvergenceSweep#LABELS}, a value out of range, or options that cannot work together (a batch that is not a
 * multiple of the ghost batch or is larger than the training split, a run that {@code train} would refuse) fails with
 * a {@link BenchOptionError} naming the options. The training split's size is known here for the generated dataset;
 * for one given with {@code dataset=}, {@link #checkRuns} is called again once its manifest is read, before any run.
 */
final class ConvergenceOptions {
    static final String RATES = "rates.";
    /**
     * The option behind each {@code train} key a run sets from one ({@link ConvergenceSweep}); the learning rate comes
     * from {@code rates.NAME}.
     */
    private static final Map<String, String> OPTION_OF_KEY = Map.ofEntries(Map.entry("data.path", "dataset"),
            Map.entry("model.name", "model"), Map.entry("model.width", "width"),
            Map.entry("train.global-batch-size", "batch"), Map.entry("train.ghost-batch-size", "ghost"),
            Map.entry("train.steps", "cap"), Map.entry("train.seed", "seed"),
            Map.entry("train.eval-train-sample", "train-sample"),
            Map.entry("optimizer.schedule.warmup-steps", "warmup"), Map.entry("optimizer.sgd-warmup-epochs", "warmup"),
            Map.entry("optimizer.momentum-unit-epochs", "warmup"), Map.entry("optimizer.reset-epochs", "warmup"));

    private final BenchOptions options;

    final Path out;
    final Path docs;
    /** A prepared dataset's URI, or empty: generate one under {@link #out}. */
    final String dataset;
    final int trainImages;
    final int testImages;
    final long dataSeed;
    final String model;
    final int width;
    final int batch;
    final int ghost;
    final int cap;
    final long seed;
    final int warmup;
    final int trainSample;
    final StepsToTarget criterion;
    final double[] alsoTargets;
    /** The groups of runs to run (empty: all). */
    final List<String> only;
    /** Learning-rate grids replacing the standard ones, by group of runs. */
    final Map<String, double[]> rates;

    ConvergenceOptions(BenchOptions o) {
        out = Path.of(o.getString("out")).toAbsolutePath();
        docs = Path.of(o.getString("docs"));
        dataset = o.getString("dataset");
        trainImages = o.getIntAtLeast("train", 1);
        testImages = o.getIntAtLeast("test", 1);
        dataSeed = o.getLong("data-seed");
        model = o.getOneOf("model", ModelSpec.NAMES);
        width = o.getIntAtLeast("width", 1);
        batch = o.getIntAtLeast("batch", 1);
        ghost = o.getIntAtLeast("ghost", 1);
        cap = o.getIntAtLeast("cap", 1);
        seed = o.getLong("seed");
        warmup = o.getIntAtLeast("warmup", 0);
        trainSample = o.getIntAtLeast("train-sample", 0);
        criterion = new StepsToTarget(target(o, "target", o.getDouble("target")), o.getIntAtLeast("window", 1));
        alsoTargets = o.getDoubles("also-targets");
        for (double t : alsoTargets) {
            target(o, "also-targets", t);
        }
        only = groups(o);
        rates = rates(o);
        options = o;
        if (batch % ghost != 0) {
            throw o.invalid("batch", "is not a multiple of ghost=" + ghost);
        }
        List<String> scaled = ConvergenceSweep.SCALED_CLOCKS.stream()
                .filter(l -> only.isEmpty() || only.contains(l)).toList();
        if (warmup == 0 && !scaled.isEmpty()) {
            throw o.invalid("warmup", "leaves " + String.join(" and ", scaled) + " no clock: their Neumann epoch "
                    + "clocks are scaled to the warm-up; give warmup >= 1, or leave them out with only=");
        }
        if (dataset.isEmpty()) {
            checkRuns(trainImages);
        }
    }

    /**
     * Every run of the sweep, on a training split of {@code trainExamples}, is one {@code train} accepts: the batch
     * fits in the split, and each run's settings pass the config reader {@code train} uses ({@link RunConfig}), so a
     * sweep never starts runs that would each fail with a configuration error. Throws a {@link BenchOptionError}
     * naming the option behind the first key refused.
     */
    void checkRuns(long trainExamples) {
        if (batch > trainExamples) {
            throw options.invalid("batch", dataset.isEmpty()
                    ? "is larger than train=" + trainExamples + ", the generated training split"
                    : "is larger than the training split of " + dataset + " (" + trainExamples + " examples)");
        }
        String path = dataset.isEmpty() ? out.resolve("dataset").toUri().toString() : dataset;
        for (ConvergenceSweep.Candidate c : sweep(path, Math.max(1, trainExamples / batch)).candidates(only, rates)) {
            try {
                RunConfig.from(ConfigLoader.load(null, c.sets()));
            } catch (ConfigError e) {
                String option = e.key().equals("optimizer.learning-rate") && rates.containsKey(c.label())
                        ? RATES + c.label() : OPTION_OF_KEY.get(e.key());
                if (option == null) {
                    throw new IllegalStateException("run " + c.id() + " sets " + e.key() + " from no option", e);
                }
                throw options.invalid(option, "makes train refuse run " + c.id() + ": " + e.getMessage());
            }
        }
    }

    static BenchDeclaration declaration() {
        return BenchOptions.declare("ConvergenceBench", "Steps to a training-loss target at a large global batch on "
                        + "generated CIFAR-format data, for momentum, Adam, Neumann and K-FAC over learning-rate grids")
                .key("out", "target/convergence", "run directories, results.md and the generated dataset; finished "
                        + "runs found here are reused")
                .key("docs", "docs", "where convergence-b<batch>.csv and .png are written")
                .key("dataset", "", "URI of a prepared dataset to use; empty: generate and prepare one under out")
                .key("train", 20_000, "training images of the generated dataset")
                .key("test", 1_000, "test images of the generated dataset")
                .key("data-seed", 7, "seed of the generated dataset")
                .key("model", "small-cnn", "model: " + String.join(", ", ModelSpec.NAMES))
                .key("width", 8, "model width")
                .key("batch", 2048, "global batch")
                .key("ghost", 32, "ghost (batch-norm) batch")
                .key("cap", 50, "steps every run takes")
                .key("seed", 42, "train.seed of every run")
                .key("warmup", 5, "learning-rate warm-up steps (and Neumann's SGD warm-up)")
                .key("train-sample", 0, "0: the curve is the logged training loss; n: the loss of n fixed training "
                        + "examples at the evaluation weights, after every step")
                .key("target", 2.0, "training-loss target, > 0")
                .key("window", 5, "steps in the moving mean compared with the target")
                .key("also-targets", "", "further targets, comma-separated, reported as a sensitivity check")
                .key("only", "", "groups of runs to run, comma-separated; empty: all of "
                        + String.join(", ", ConvergenceSweep.LABELS))
                .prefix(RATES, "NAME=r1,r2,...", "learning rates replacing group NAME's standard grid");
    }

    /** The sweep these options describe, on {@code dataset} with {@code stepsPerEpoch} steps per epoch. */
    ConvergenceSweep sweep(String dataset, long stepsPerEpoch) {
        return new ConvergenceSweep(dataset, model, width, batch, ghost, cap, seed, warmup, stepsPerEpoch, trainSample);
    }

    /** {@code target}, checked: the criterion needs a positive loss. */
    private static double target(BenchOptions o, String key, double target) {
        if (!(target > 0)) {
            throw o.invalid(key, "has a target that is not > 0");
        }
        return target;
    }

    /** {@code only=NAME,...}: the groups of runs to run (empty: all), each one of the sweep's. */
    static List<String> groups(BenchOptions o) {
        List<String> only = o.getList("only");
        for (String name : only) {
            if (!ConvergenceSweep.LABELS.contains(name)) {
                throw o.invalid("only", "names " + name + ", not one of " + ConvergenceSweep.LABELS);
            }
        }
        return only;
    }

    /** {@code rates.NAME=r1,r2,...}: learning-rate grids replacing the standard ones, by group of runs. */
    static Map<String, double[]> rates(BenchOptions o) {
        Map<String, double[]> rates = new HashMap<>();
        for (String key : o.keysWithPrefix(RATES)) {
            String name = key.substring(RATES.length());
            if (!ConvergenceSweep.LABELS.contains(name)) {
                throw o.invalid(key, "is not for a group of runs of the sweep: " + ConvergenceSweep.LABELS);
            }
            double[] grid = o.getDoubles(key);
            if (grid.length == 0) {
                throw o.invalid(key, "is empty; give at least one learning rate");
            }
            if (Arrays.stream(grid).anyMatch(r -> !(r > 0) || Double.isInfinite(r))) {
                throw o.invalid(key, "has a learning rate that is not a finite number > 0");
            }
            rates.put(name, grid);
        }
        return rates;
    }
}
