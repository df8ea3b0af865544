package dev.bigbatch.jobs.cli;

import dev.bigbatch.data.dataset.CifarPreparation;
import dev.bigbatch.data.dataset.PreparationResult;
import dev.bigbatch.jobs.run.SparkSettings;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.util.Set;

/**
 * {@code prepare-cifar --input URI --out URI [--shards N] [--overwrite] [--master URL]}: the official CIFAR-10/100
 * binary archive (or its extracted directory) on any Hadoop file system to a prepared dataset.
 */
public final class PrepareCifarCommand implements Command {
    public static final int DEFAULT_SHARDS = 4;

    @Override
    public String name() {
        return "prepare-cifar";
    }

    @Override
    public String usage() {
        return "prepare-cifar --input URI --out URI [--shards N (default " + DEFAULT_SHARDS + ")] [--overwrite] "
                + SparkSessions.MASTER_USAGE;
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("--input", "--out", "--shards", "--master");
    }

    @Override
    public Set<String> flags() {
        return Set.of("--overwrite");
    }

    @Override
    public dev.bigbatch.jobs.exit.ExitCode run(Arguments args, PrintStream out) throws Exception {
        String input = args.required("--input");
        String target = args.required("--out");
        int shards = args.integer("--shards", DEFAULT_SHARDS, 1, 100_000);
        SparkSession spark = SparkSessions.start(name(),
                new SparkSettings(args.optional("--master", SparkSettings.DEFAULT_MASTER)));
        PreparationResult r = CifarPreparation.run(spark, input, target, shards, args.flag("--overwrite"));
        r.manifest().splits().forEach((split, s) -> out.printf("%s: %,d examples%n", split, s.count()));
        out.println("prepared " + r.outUri() + " (" + r.manifest().source() + ", " + r.manifest().numClasses()
                + " classes)");
        return dev.bigbatch.jobs.exit.ExitCode.SUCCESS;
    }
}
