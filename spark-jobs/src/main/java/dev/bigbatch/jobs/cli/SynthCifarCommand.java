package dev.bigbatch.jobs.cli;

import dev.bigbatch.data.cifar.SyntheticCifar;
import dev.bigbatch.jobs.run.DataSettings;

import java.io.PrintStream;
import java.util.Set;

/**
 * {@code synth-cifar --out FILE [--train N] [--test M] [--classes C] [--seed S] [--overwrite]}: a CIFAR-10-format
 * {@code .tar.gz} (see {@link SyntheticCifar} for the generator), by default as large as the real CIFAR-10.
 */
public final class SynthCifarCommand implements Command {
    /** The real CIFAR-10's training split. */
    public static final int DEFAULT_TRAIN = 50_000;
    /** The real CIFAR-10's test split. */
    public static final int DEFAULT_TEST = 10_000;
    /** CIFAR-10's, the most the format holds. */
    public static final int DEFAULT_CLASSES = 10;
    @Override
    public String name() {
        return "synth-cifar";
    }

    @Override
    public String usage() {
        return "synth-cifar --out FILE [--train N (default " + DEFAULT_TRAIN + ")] [--test M (default " + DEFAULT_TEST
                + ")] [--classes C (default " + DEFAULT_CLASSES + ", at most 10)] [--seed S (default "
                + DataSettings.Synthetic.DEFAULT_SEED + ")] [--overwrite]";
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("--out", "--train", "--test", "--classes", "--seed");
    }

    @Override
    public Set<String> flags() {
        return Set.of("--overwrite");
    }

    @Override
    public dev.bigbatch.jobs.exit.ExitCode run(Arguments args, PrintStream out) throws Exception {
        String target = args.required("--out");
        SyntheticCifar s = new SyntheticCifar(args.integer("--train", DEFAULT_TRAIN, 1, 10_000_000),
                args.integer("--test", DEFAULT_TEST, 1, 10_000_000), args.integer("--classes", DEFAULT_CLASSES, 2, 10),
                args.longValue("--seed", DataSettings.Synthetic.DEFAULT_SEED));
        s.write(target, dev.bigbatch.jobs.io.HadoopConf.get(), args.flag("--overwrite"));
        out.printf("wrote %s: %d train, %d test, %d classes (seed %d)%n", target, s.train(), s.test(), s.classes(),
                s.seed());
        return dev.bigbatch.jobs.exit.ExitCode.SUCCESS;
    }
}
