package dev.bigbatch.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bigbatch.data.cifar.SyntheticCifar;
import dev.bigbatch.data.dataset.CifarPreparation;
import dev.bigbatch.data.dataset.DatasetLayout;
import dev.bigbatch.data.dataset.DatasetManifest;
import dev.bigbatch.jobs.data.CachedSplit;
import dev.bigbatch.jobs.data.ImageDecoder;
import dev.bigbatch.jobs.data.ImageDecoders;
import dev.bigbatch.jobs.io.RunFiles;
import dev.bigbatch.jobs.run.ConfigLoader;
import dev.bigbatch.jobs.run.DataSettings;
import dev.bigbatch.jobs.run.MetricsWriter;
import dev.bigbatch.jobs.checkpoint.Checkpoint;
import dev.bigbatch.jobs.checkpoint.CheckpointStore;
import dev.bigbatch.jobs.checkpoint.ConfigFingerprint;
import dev.bigbatch.jobs.exit.ExitCode;
import dev.bigbatch.jobs.train.RunCheckpoints;
import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.config.ConfigError;
import java.util.Optional;
import dev.bigbatch.jobs.run.RunConfig;
import dev.bigbatch.jobs.train.Evaluation;
import dev.bigbatch.jobs.train.EvaluationSplit;
import dev.bigbatch.jobs.train.RunSpec;
import dev.bigbatch.jobs.train.TrainingLoop;
import dev.bigbatch.model.ModelFactory;
import dev.bigbatch.model.ModelSpec;
import dev.bigbatch.model.NetworkSpec;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import java.io.PrintStream;
import java.util.Set;

/**
 * {@code train --config FILE [--set key=value]... --out URI}: validates the config before Spark starts, prepares a
 * synthetic CIFAR-10-format dataset when {@code data.path} is empty, trains, evaluates, and leaves the run directory
 * ({@link RunDirectory}).
 *
 * <p>Idempotent for schedulers: re-running the same command on the same {@code --out} resumes from the newest valid
 * checkpoint (as {@code --resume} does), and after a finished run ({@code _SUCCESS}) does nothing and exits 0 unless
 * {@code --restart} is given. {@code --warm-start} starts a new run from earlier weights.
 */
public final class TrainCommand implements Command {
    @Override
    public String name() {
        return "train";
    }

    @Override
    public String usage() {
        return "train [--config FILE_OR_URI] [--set key=value]... --out URI [--resume] [--restart] "
                + "[--warm-start MODEL_OR_CHECKPOINT_OR_RUN] (keys and defaults: docs/CONFIG.md)";
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("--config", "--set", "--out", "--warm-start");
    }

    @Override
    public Set<String> flags() {
        return Set.of("--resume", "--restart");
    }

    @Override
    public ExitCode run(Arguments args, PrintStream out) throws Exception {
        RunConfig cfg = RunConfig.from(ConfigLoader.load(args.optional("--config", null), args.all("--set")));
        String outUri = args.required("--out");
        if (args.flag("--resume") && args.flag("--restart")) {
            throw new ConfigError("--restart", "cannot be combined with --resume");
        }
        boolean restart = args.flag("--restart");
        SparkSession spark = SparkSessions.start(name(), cfg.spark());
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        RunFiles files = new RunFiles(outUri, hadoop);
        if (!restart && files.exists(RunDirectory.SUCCESS)) {
            out.println("bigbatch train: " + files.dir() + " already holds a finished run (" + RunDirectory.SUCCESS
                    + "); nothing to do. Use --restart to train it again from step 0.");
            return ExitCode.ALREADY_DONE;
        }
        CheckpointStore store = CheckpointStore.inRun(outUri, hadoop, cfg.train().checkpoints().keep());
        ConfigFingerprint fingerprint = ConfigFingerprint.of(cfg.effective());
        Optional<Checkpoint> resume = restart ? Optional.empty() : store.resume(fingerprint);
        if (args.flag("--resume") && resume.isEmpty()) {
            out.println("bigbatch train: --resume: no checkpoint in " + store.directory() + " yet; starting at step 0");
        }

        String dataset = cfg.data().generate() ? synthetic(spark, files, cfg.data(), out) : cfg.data().path();
        DatasetManifest manifest = PreparedDatasets.manifest(dataset, hadoop);
        StartChecks.dataset(manifest, dataset, cfg);
        // The network input is what the decoder produces: the stored size of fixed-size (CIFAR) images, or
        // data.image-size for JPEG datasets, whose images vary in size (the manifest records 0 for them).
        ImageDecoder decoder = ImageDecoders.forManifest(manifest, dataset, cfg.data().imageSize());
        ModelSpec modelSpec = ModelSpec.of(cfg.model(), manifest.numClasses(), decoder.channels(), decoder.height(),
                decoder.width(), cfg.train().seed());
        ComputationGraph net = ModelFactory.build(modelSpec);
        resume.ifPresent(c -> StartChecks.resumable(c, net, dataset, manifest));
        long trainExamples = manifest.split(DatasetLayout.TRAIN).count();
        RunCheckpoints.Start start = resume.map(RunCheckpoints.Start::from)
                .orElseGet(() -> WarmStart.start(args.optional("--warm-start", null), net, cfg.train(),
                        () -> TrainingLoop.optimizerFor(cfg.optimizer(), ParameterLayout.of(net), cfg.train(),
                                trainExamples), hadoop, out));
        // Caching the splits reads every example (EvaluationSplit checks the ids): a data error there fails the start.
        int partitions = cfg.data().partitions();
        CachedSplit train = CachedSplit.load(spark, split(dataset, DatasetLayout.TRAIN), partitions);
        String evalSplit = manifest.evaluationSplit();
        EvaluationSplit test = evalSplit == null ? null
                : EvaluationSplit.load(spark, split(dataset, evalSplit), partitions, cfg.train().evalBatchSize());
        // The start checks have passed and the data is cached: only now is the run directory changed, so that a start
        // that fails leaves it as it was (a fresh --out without config.conf, an earlier run's files as they were).
        if (restart) {
            RunDirectory.clearTrainingState(files, out);
        }
        files.writeText(RunDirectory.CONFIG, cfg.render());
        files.writeText(SavedModels.NETWORK, net.getConfiguration().toJson());
        RunSpec spec = new RunSpec(NetworkSpec.of(net, decoder.channels(), decoder.height(), decoder.width()),
                decoder, cfg.train().seed(), cfg.train().augment(), cfg.train().ghostBatchSize(),
                cfg.data().decodeThreads());
        out.printf("bigbatch train: model %s on %s (%s, %d classes, input %dx%dx%d)%n", modelSpec.name(), dataset,
                manifest.source(), manifest.numClasses(), decoder.channels(), decoder.height(), decoder.width());
        MetricsWriter metrics = MetricsWriter.resume(files, start.step());
        TrainingLoop.Result result = new TrainingLoop(JavaSparkContext.fromSparkContext(spark.sparkContext()), net,
                train, test, spec, cfg.train(), cfg.optimizer(), metrics, out)
                .checkpointing(new RunCheckpoints(store, cfg.train().checkpoints(), fingerprint))
                .afterEvaluation(() -> RunDirectory.refreshReport(files, hadoop))
                .evaluatedSplit(evalSplit == null ? "test" : evalSplit)
                .run(start);
        files.write(RunDirectory.MODEL, o -> ModelSerializer.writeModel(result.network(), o, false));
        if (result.finalEval() != null) {
            files.writeText(RunDirectory.EVALUATION, evaluationJson(result.finalEval(), evalSplit, manifest));
        }
        RunDirectory.refreshReport(files, hadoop);
        RunDirectory.markSuccess(files, result);
        out.printf("done: %d steps, training loss %.4f -> %.4f%s%nrun directory: %s%n", result.steps(),
                result.firstLoss(), result.lastLoss(), result.finalEval() == null ? ""
                        : String.format(", %s top-1 %.4f, top-5 %.4f", evalSplit, result.finalEval().top1(),
                        result.finalEval().top5()),
                files.dir());
        train.release();
        if (test != null) {
            test.release();
        }
        return ExitCode.SUCCESS;
    }

    static String split(String dataset, String name) {
        return DatasetLayout.split(new Path(dataset), name).toString();
    }

    /** Generates and prepares the synthetic CIFAR-10-format set under the run directory, once. */
    private static String synthetic(SparkSession spark, RunFiles files, DataSettings data, PrintStream out)
            throws Exception {
        String dataset = files.path("dataset").toString();
        if (files.exists("dataset/" + DatasetLayout.MANIFEST)) {
            out.println("using the synthetic dataset prepared earlier at " + dataset);
            return dataset;
        }
        DataSettings.Synthetic s = data.synthetic();
        String archive = files.path("synthetic/cifar-10-binary.tar.gz").toString();
        out.printf("data.path is empty: generating a synthetic CIFAR-10-format set (%d train, %d test, %d classes) at %s%n",
                s.train(), s.test(), s.classes(), archive);
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        new SyntheticCifar(s.train(), s.test(), s.classes(), s.seed()).write(archive, hadoop, true);
        CifarPreparation.run(spark, archive, dataset, data.partitions(), true);
        return dataset;
    }

    private static void putNumber(ObjectNode o, String key, double value) {
        if (Double.isFinite(value)) {
            o.put(key, value);
        } else {
            o.putNull(key);
        }
    }

    static String evaluationJson(Evaluation.Result r, String split, DatasetManifest manifest) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode o = json.createObjectNode();
        o.put("split", split);
        o.put("examples", r.count());
        // An empty split has no loss or accuracy: null, as for a class without examples (Jackson would write the
        // string "NaN" where readers expect a number).
        putNumber(o, "loss", r.loss());
        putNumber(o, "top1", r.top1());
        putNumber(o, "top5", r.top5());
        ObjectNode perClass = o.putObject("perClassTop1");
        for (int c = 0; c < r.perClass().length; c++) {
            String name = c < manifest.classes().size() ? manifest.classes().get(c) : String.valueOf(c);
            if (Double.isNaN(r.perClass()[c])) {
                perClass.putNull(name);
            } else {
                perClass.put(name, r.perClass()[c]);
            }
        }
        try {
            return json.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n";
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
