package dev.bigbatch.jobs.cli;

import dev.bigbatch.data.cifar.SyntheticCifar;

import java.io.PrintStream;
import java.util.Set;

/**
 * {@code synth-cifar --out FILE --train N --test M --classes C [--seed S] [--overwrite]}: a CIFAR-10-format
 * {@code .tar.gz} (see {@link SyntheticCifar} for the generator).
 */
public final class SynthCifarCommand implements Command {
    @Override
    public String name() {
        return "synth-cifar";
    }

    @Override
    public String usage() {
        return "synth-cifar --out FILE --train N --test M --classes C [--seed S] [--overwrite]";
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
        SyntheticCifar s = new SyntheticCifar(args.integer("--train", 50_000, 1, 10_000_000),
                args.integer("--test", 10_000, 1, 10_000_000), args.integer("--classes", 10, 2, 10),
                args.longValue("--seed", 7));
        s.write(target, dev.bigbatch.jobs.io.HadoopConf.get(), args.flag("--overwrite"));
        out.printf("wrote %s: %d train, %d test, %d classes (seed %d)%n", target, s.train(), s.test(), s.classes(),
                s.seed());
        return dev.bigbatch.jobs.exit.ExitCode.SUCCESS;
    }
}
