package dev.bigbatch.jobs.cli;

import dev.bigbatch.data.dataset.DatasetLayout;
import dev.bigbatch.data.dataset.DatasetManifest;
import dev.bigbatch.jobs.data.ImageDecoder;
import dev.bigbatch.jobs.data.ImageDecoders;
import dev.bigbatch.jobs.io.RunFiles;
import dev.bigbatch.jobs.run.DataSettings;
import dev.bigbatch.jobs.run.SparkSettings;
import dev.bigbatch.jobs.run.TrainSettings;
import dev.bigbatch.jobs.train.Evaluation;
import dev.bigbatch.jobs.train.EvaluationSplit;
import dev.bigbatch.jobs.train.RunSpec;
import dev.bigbatch.model.NetworkSpec;
import dev.bigbatch.optimizer.config.ConfigError;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.PrintStream;
import java.util.Set;

/**
 * {@code evaluate --model RUN/model.zip --data DATASET [--split S] [--image-size N] [--partitions N] [--batch-size N]
 * [--decode-threads N] [--out FILE]}: distributed loss, top-1, top-5 and per-class accuracy; prints them and writes
 * them as JSON (by default {@code evaluation-<split>.json} beside a model zip,
 * {@code RUN/evaluation-<split>-ckpt-N.json} for a checkpoint: {@link #defaultOutput}). The split defaults to the
 * dataset's evaluation split ({@code test}, else {@code val}); for JPEG datasets the input size defaults to the one
 * the model was trained at ({@link TrainedInput}), fixed-size datasets are fed at their stored size. The batch size
 * defaults to the run's {@code train.eval-batch-size}, so that the numbers of the run's own evaluation of the same
 * weights are reproduced to the bit (evaluation batches are chunks of that many example ids, {@link EvaluationSplit}).
 * {@code --decode-threads} (default: {@code data.decode-threads}' default) threads per task decode the next batch
 * while the current one runs through the network; 0 decodes inline.
 */
public final class EvaluateCommand implements Command {
    @Override
    public String name() {
        return "evaluate";
    }

    @Override
    public String usage() {
        return "evaluate --model RUN/model.zip|RUN/checkpoints/ckpt-N --data DATASET [--split S (default test, else "
                + "val)] [--image-size N (default: the dataset's own size; JPEG data at the size the model was trained "
                + "at)] [--partitions N (default " + DataSettings.DEFAULT_PARTITIONS + ")] [--batch-size N (default: the "
                + "run's train.eval-batch-size, " + TrainSettings.DEFAULT_EVAL_BATCH + " without a run directory)] [--decode-threads N (default " + DataSettings.DEFAULT_DECODE_THREADS + ")] [--out FILE (default "
                + "evaluation-SPLIT.json beside model.zip, RUN/evaluation-SPLIT-ckpt-N.json for a checkpoint)] "
                + SparkSessions.MASTER_USAGE;
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("--model", "--data", "--split", "--image-size", "--partitions", "--batch-size",
                "--decode-threads", "--out", "--master");
    }

    @Override
    public dev.bigbatch.jobs.exit.ExitCode run(Arguments args, PrintStream out) throws Exception {
        String modelUri = args.required("--model");
        String data = args.required("--data");
        int partitions = args.integer("--partitions", DataSettings.DEFAULT_PARTITIONS, 1, 1 << 20);
        int decodeThreads = args.integer("--decode-threads", DataSettings.DEFAULT_DECODE_THREADS, 0,
                DataSettings.MAX_DECODE_THREADS);
        SparkSession spark = SparkSessions.start(name(),
                new SparkSettings(args.optional("--master", SparkSettings.DEFAULT_MASTER)));
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        int batch = args.integer("--batch-size", args.optional("--batch-size", null) != null
                ? TrainSettings.DEFAULT_EVAL_BATCH : TrainedInput.evalBatchSize(modelUri, hadoop), 1, 1 << 16);
        DatasetManifest manifest = PreparedDatasets.manifest(data, hadoop);
        String split = args.optional("--split", manifest.evaluationSplit());
        if (split == null || !manifest.splits().containsKey(split)) {
            throw new ConfigError("--split", "dataset " + data + " has no split '" + split + "'; it has "
                    + manifest.splits().keySet());
        }
        String file = args.optional("--out", null);
        if (file == null) {
            file = defaultOutput(modelUri, split, hadoop).toString();
        }
        RunFiles files = RunFiles.parentOf(file, hadoop);
        String name = new Path(file).getName();
        ImageDecoder decoder = decoder(args, manifest, data, modelUri, hadoop);
        ComputationGraph net = SavedModels.load(modelUri, hadoop);
        NetworkSpec ns = NetworkSpec.of(net, decoder.channels(), decoder.height(), decoder.width());
        if (ns.classes() != manifest.numClasses()) {
            throw new dev.bigbatch.jobs.exit.DataError("dataset " + data + " lists " + manifest.numClasses()
                    + " classes, but the model " + modelUri + " has " + ns.classes() + " outputs, one per class it was "
                    + "trained on: evaluate it on a dataset of those " + ns.classes() + " classes (--data)");
        }
        RunSpec spec = new RunSpec(ns, decoder, 0, false, 1, decodeThreads);
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        EvaluationSplit cached = EvaluationSplit.load(spark, TrainCommand.split(data, split), partitions, batch);
        var bc = sc.broadcast(spec);
        Evaluation.Result r = Evaluation.run(sc, cached, bc, net.params().toFloatVector());
        bc.destroy();
        cached.release();
        out.printf("%s on %s/%s: loss %.4f | top1 %.4f | top5 %.4f (%,d examples)%n", modelUri, data, split, r.loss(),
                r.top1(), r.top5(), r.count());
        files.writeText(name, TrainCommand.evaluationJson(r, split, manifest));
        out.println("wrote " + files.path(name));
        return dev.bigbatch.jobs.exit.ExitCode.SUCCESS;
    }

    /**
     * The input pipeline at {@code --image-size}. Without the option: for a JPEG dataset the size the model was
     * trained at ({@link TrainedInput}), for a fixed-size (CIFAR-format) one its stored size, the only one it has.
     */
    private static ImageDecoder decoder(Arguments args, DatasetManifest manifest, String data, String modelUri,
                                        Configuration hadoop) {
        boolean jpeg = DatasetLayout.ENCODING_JPEG.equals(manifest.encoding());
        int imageSize = args.integer("--image-size", args.optional("--image-size", null) != null || !jpeg
                        ? ImageDecoders.DATASET_SIZE : TrainedInput.imageSize(modelUri, hadoop), 0,
                DataSettings.MAX_IMAGE_SIZE);
        if (imageSize != ImageDecoders.DATASET_SIZE && imageSize < DataSettings.MIN_IMAGE_SIZE) {
            throw new ConfigError("--image-size", "must be at least " + DataSettings.MIN_IMAGE_SIZE + ", found "
                    + imageSize);
        }
        try {
            return ImageDecoders.forManifest(manifest, data, imageSize);
        } catch (ConfigError e) {
            if (!e.key().equals(ImageDecoders.IMAGE_SIZE_KEY)) {
                throw e;
            }
            throw new ConfigError("--image-size", "dataset " + data + " stores " + manifest.height() + "x"
                    + manifest.width() + " images, which are fed as they are; found " + imageSize + ". Drop the "
                    + "option (or give " + manifest.height() + ") for this dataset");
        }
    }

    /**
     * Where the results go without {@code --out}: {@code evaluation-<split>.json} beside a model zip, and
     * {@code RUN/evaluation-<split>-ckpt-N.json} for a checkpoint {@code RUN/checkpoints/ckpt-N}, so that evaluating
     * several checkpoints of a run keeps each result (and nothing is added to the checkpoint directory).
     */
    static Path defaultOutput(String modelUri, String split, Configuration hadoop) throws java.io.IOException {
        Path model = new Path(modelUri);
        model = model.getFileSystem(hadoop).makeQualified(model);
        String name = "evaluation-" + split;
        return model.getName().startsWith("ckpt-")
                ? new Path(SavedModels.runDirectory(model), name + "-" + model.getName() + ".json")
                : new Path(model.getParent(), name + ".json");
    }
}
