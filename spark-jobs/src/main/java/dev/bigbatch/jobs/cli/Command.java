package dev.bigbatch.jobs.cli;

import java.io.PrintStream;
import java.util.Set;

/** One subcommand of {@code bigbatch}. */
public interface Command {
    String name();

    /** One line: what it does and its options. */
    String usage();

    Set<String> valuedOptions();

    default Set<String> flags() {
        return Set.of();
    }

    /**
     * Runs; returns {@code SUCCESS} or {@code ALREADY_DONE}, throws on failure (the entry point maps exceptions to
     * exit codes with {@link dev.bigbatch.jobs.exit.ExitCode#of}).
     */
    dev.bigbatch.jobs.exit.ExitCode run(Arguments args, PrintStream out) throws Exception;
}
