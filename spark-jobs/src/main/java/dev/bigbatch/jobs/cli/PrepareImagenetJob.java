package dev.bigbatch.jobs.cli;

import dev.bigbatch.data.imagenet.ImagenetPreparation;
import dev.bigbatch.data.imagenet.ImagenetPreparationOptions;
import dev.bigbatch.data.imagenet.PrepareImagenetCommand;
import dev.bigbatch.jobs.exit.ExitCode;
import dev.bigbatch.jobs.run.SparkSettings;
import dev.bigbatch.optimizer.config.ConfigError;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code prepare-imagenet --train URI [--val URI --val-labels URI] --out URI [...]}: options as
 * {@link PrepareImagenetCommand} defines them, run as a Spark job by {@link ImagenetPreparation}.
 */
public final class PrepareImagenetJob implements Command {
    @Override
    public String name() {
        return "prepare-imagenet";
    }

    @Override
    public String usage() {
        return "prepare-imagenet --train URI [--val URI --val-labels URI] --out URI [--shorter-side N] "
                + "[--jpeg-quality Q] [--max-bad-fraction F] [--shard-mb M] [--layout imagenet|folder]";
    }

    @Override
    public Set<String> valuedOptions() {
        Set<String> s = new HashSet<>(PrepareImagenetCommand.FLAGS);
        s.add("--master");
        return s;
    }

    @Override
    public ExitCode run(Arguments args, PrintStream out) throws Exception {
        List<String> argv = new ArrayList<>();
        for (String flag : PrepareImagenetCommand.FLAGS) {
            String v = args.optional(flag, null);
            if (v != null) {
                argv.add(flag);
                argv.add(v);
            }
        }
        ImagenetPreparationOptions options;
        try {
            options = PrepareImagenetCommand.parse(argv.toArray(String[]::new));
        } catch (IllegalArgumentException e) {
            throw new ConfigError(name(), e.getMessage());
        }
        SparkSession spark = SparkSessions.start(name(),
                new SparkSettings(args.optional("--master", SparkSettings.DEFAULT_MASTER)));
        ImagenetPreparation.run(spark, options);
        return ExitCode.SUCCESS;
    }
}
