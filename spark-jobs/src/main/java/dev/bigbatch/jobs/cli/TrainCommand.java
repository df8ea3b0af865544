package dev.bigbatch.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bigbatch.data.cifar.SyntheticCifar;
import dev.bigbatch.data.dataset.CifarPreparation;
import dev.bigbatch.data.dataset.DatasetLayout;
import dev.bigbatch.data.dataset.DatasetManifest;
import dev.bigbatch.jobs.data.CachedSplit;
import dev.bigbatch.jobs.data.ImageDecoders;
import dev.bigbatch.jobs.io.RunFiles;
import dev.bigbatch.jobs.run.ConfigLoader;
import dev.bigbatch.jobs.run.DataSettings;
import dev.bigbatch.jobs.run.MetricsLog;
import dev.bigbatch.jobs.run.RunConfig;
import dev.bigbatch.jobs.train.Evaluation;
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
 * synthetic CIFAR-10-format dataset when {@code data.path} is empty, trains, evaluates, and leaves the run directory:
 * {@code config.conf}, {@code metrics.jsonl}, {@code evaluation.json}, {@code model.zip}.
 */
public final class TrainCommand implements Command {
    static final String MODEL_FILE = "model.zip";
    static final String CONFIG_FILE = "config.conf";
    static final String EVALUATION_FILE = "evaluation.json";

    @Override
    public String name() {
        return "train";
    }

    @Override
    public String usage() {
        return "train --config FILE [--set key=value]... --out URI";
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("--config", "--set", "--out");
    }

    @Override
    public dev.bigbatch.jobs.exit.ExitCode run(Arguments args, PrintStream out) throws Exception {
        RunConfig cfg = RunConfig.from(ConfigLoader.load(args.optional("--config", null), args.all("--set")));
        String outUri = args.required("--out");
        SparkSession spark = SparkSessions.start(name(), cfg.spark());
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        RunFiles files = new RunFiles(outUri, hadoop);
        files.writeText(CONFIG_FILE, cfg.render());

        String dataset = cfg.data().generate() ? synthetic(spark, files, cfg.data(), out) : cfg.data().path();
        DatasetManifest manifest = PreparedDatasets.manifest(dataset, hadoop);
        ModelSpec modelSpec = ModelSpec.of(cfg.model(), manifest.numClasses(), manifest.channels(), manifest.height(),
                manifest.width(), cfg.train().seed());
        ComputationGraph net = ModelFactory.build(modelSpec);
        RunSpec spec = new RunSpec(NetworkSpec.of(net, manifest.channels(), manifest.height(), manifest.width()),
                ImageDecoders.forManifest(manifest, dataset), cfg.train().seed(), cfg.train().augment(),
                cfg.train().ghostBatchSize());
        int partitions = cfg.data().partitions();
        CachedSplit train = CachedSplit.load(spark, split(dataset, DatasetLayout.TRAIN), partitions);
        CachedSplit test = manifest.splits().containsKey(DatasetLayout.TEST)
                ? CachedSplit.load(spark, split(dataset, DatasetLayout.TEST), partitions) : null;
        out.printf("bigbatch train: model %s on %s (%s, %d classes)%n", modelSpec.name(), dataset, manifest.source(),
                manifest.numClasses());
        MetricsLog metrics = new MetricsLog(files);
        TrainingLoop.Result result = new TrainingLoop(JavaSparkContext.fromSparkContext(spark.sparkContext()), net,
                train, test, spec, cfg.train(), cfg.optimizer(), metrics, out).run();
        files.write(MODEL_FILE, o -> ModelSerializer.writeModel(result.network(), o, false));
        if (result.finalEval() != null) {
            files.writeText(EVALUATION_FILE, evaluationJson(result.finalEval(), DatasetLayout.TEST, manifest));
        }
        out.printf("done: %d steps, training loss %.4f -> %.4f%s%nrun directory: %s%n", result.steps(),
                result.firstLoss(), result.lastLoss(), result.finalEval() == null ? ""
                        : String.format(", test top-1 %.4f, top-5 %.4f", result.finalEval().top1(), result.finalEval().top5()),
                files.dir());
        train.release();
        if (test != null) {
            test.release();
        }
        return dev.bigbatch.jobs.exit.ExitCode.SUCCESS;
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

    static String evaluationJson(Evaluation.Result r, String split, DatasetManifest manifest) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode o = json.createObjectNode();
        o.put("split", split);
        o.put("examples", r.count());
        o.put("loss", r.loss());
        o.put("top1", r.top1());
        o.put("top5", r.top5());
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
