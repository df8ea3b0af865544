package dev.bigbatch.jobs.cli;

import dev.bigbatch.data.imagenet.ImagenetPreparation;
import dev.bigbatch.data.imagenet.ImagenetPreparationOptions;
import dev.bigbatch.data.imagenet.ImagenetPreparationOptions.Layout;
import dev.bigbatch.jobs.exit.ExitCode;
import dev.bigbatch.jobs.run.SparkSettings;
import dev.bigbatch.optimizer.config.ConfigError;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Set;

/**
 * {@code prepare-imagenet --train URI [--val URI [--val-labels URI]] --out URI [--meta URI] [--synset-words URI]
 * [--layout imagenet|folder] [--shorter-side N] [--jpeg-quality Q] [--max-bad-fraction F] [--shard-mb M]
 * [--master URL]}: ILSVRC2012 tars or folder-per-class trees on any Hadoop file system to a prepared dataset, run as
 * a Spark job by {@link ImagenetPreparation}. {@link ImagenetPreparationOptions} says what each option means; every
 * option is checked here, naming it, before Spark starts.
 */
public final class PrepareImagenetCommand implements Command {
    private static final int DEFAULT_SHARD_MB = (int) (ImagenetPreparationOptions.DEFAULT_TARGET_SHARD_BYTES >> 20);

    @Override
    public String name() {
        return "prepare-imagenet";
    }

    @Override
    public String usage() {
        return "prepare-imagenet --train URI [--val URI [--val-labels URI]] --out URI [--meta URI] "
                + "[--synset-words URI] [--layout imagenet|folder (default " + Layout.IMAGENET.sourceName()
                + ")] [--shorter-side N (default "
                + ImagenetPreparationOptions.DEFAULT_SHORTER_SIDE + ", 0 keeps sizes)] [--jpeg-quality Q (default "
                + ImagenetPreparationOptions.DEFAULT_JPEG_QUALITY + ")] [--max-bad-fraction F (default "
                + ImagenetPreparationOptions.DEFAULT_MAX_BAD_FRACTION + ")] [--shard-mb M (default "
                + DEFAULT_SHARD_MB + ")] " + SparkSessions.MASTER_USAGE;
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("--train", "--val", "--val-labels", "--out", "--meta", "--synset-words", "--layout",
                "--shorter-side", "--jpeg-quality", "--max-bad-fraction", "--shard-mb", "--master");
    }

    @Override
    public ExitCode run(Arguments args, PrintStream out) throws Exception {
        ImagenetPreparationOptions options = options(args);
        SparkSession spark = SparkSessions.start(name(),
                new SparkSettings(args.optional("--master", SparkSettings.DEFAULT_MASTER)));
        out.println(ImagenetPreparation.run(spark, options).summary());
        return ExitCode.SUCCESS;
    }

    /** The options as given, with every default filled in; a {@link ConfigError} names the first bad option. */
    static ImagenetPreparationOptions options(Arguments args) {
        String train = args.required("--train");
        String target = args.required("--out");
        String val = args.optional("--val", null);
        String valLabels = args.optional("--val-labels", null);
        if (valLabels != null && val == null) {
            throw new ConfigError("--val-labels", "given without --val (labels are for a flat val tar or "
                    + "directory); add --val URI or drop --val-labels");
        }
        Layout layout = layout(args.optional("--layout", Layout.IMAGENET.sourceName()));
        int shorterSide = args.integer("--shorter-side", ImagenetPreparationOptions.DEFAULT_SHORTER_SIDE, 0,
                Integer.MAX_VALUE);
        int jpegQuality = args.integer("--jpeg-quality", ImagenetPreparationOptions.DEFAULT_JPEG_QUALITY, 1, 100);
        double maxBadFraction = args.decimal("--max-bad-fraction",
                ImagenetPreparationOptions.DEFAULT_MAX_BAD_FRACTION, 0, 1);
        long shardBytes = (long) args.integer("--shard-mb", DEFAULT_SHARD_MB, 1, Integer.MAX_VALUE) << 20;
        return new ImagenetPreparationOptions(train, val, valLabels, args.optional("--meta", null),
                args.optional("--synset-words", null), target, layout, shorterSide, jpegQuality, maxBadFraction,
                shardBytes);
    }

    private static Layout layout(String value) {
        for (Layout l : Layout.values()) {
            if (l.sourceName().equals(value.toLowerCase(Locale.ROOT))) {
                return l;
            }
        }
        throw new ConfigError("--layout", "must be imagenet or folder, found '" + value + "'");
    }
}
