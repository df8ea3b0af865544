package dev.bigbatch.bench;

import dev.bigbatch.jobs.exit.ExitCode;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Runs a bench's {@code main} the way {@code dev.bigbatch.jobs.Main} runs a command, with the same exit statuses
 * ({@link ExitCode}, docs/EXIT_CODES.md):
 * <ul>
 *   <li>{@code --help}, {@code -h} or {@code help} anywhere: the usage on standard output, status 0;</li>
 *   <li>an option error ({@link BenchOptionError}: unknown or repeated key, unexpected argument, malformed or
 *       out-of-range value): one line naming the argument and what is allowed, then the usage, on standard error,
 *       status {@link ExitCode#CONFIG_ERROR} (78), before any work starts;</li>
 *   <li>a failure during the run: its message and stack trace (a bug or an environment problem) on standard error,
 *       status {@link ExitCode#of} the failure ({@link ExitCode#INTERNAL_ERROR}, 70, unless it is a recognised
 *       one);</li>
 *   <li>otherwise status 0.</li>
 * </ul>
 * A bench separates reading its options from its work, so that every option is checked before anything starts and a
 * test can read the options of each bench without running it:
 * <pre>
 *   public static void main(String[] args) {
 *       BenchRunner.main(args, options(), KfacFactorCostBench::read, KfacFactorCostBench::run);
 *   }
 * </pre>
 */
public final class BenchRunner {
    private static final List<String> HELP = List.of("--help", "-h", "help");

    private BenchRunner() {
    }

    /** The work of a bench, given the settings read from its options. */
    @FunctionalInterface
    public interface Work<S> {
        void run(S settings) throws Exception;
    }

    /** Runs the bench and ends the JVM with the status of {@link #run}, also when Spark threads are still alive. */
    public static <S> void main(String[] args, BenchDeclaration options, Function<BenchOptions, ? extends S> read,
                                Work<? super S> work) {
        int status = run(args, options, read, work, System.out, System.err);
        System.out.flush();
        System.err.flush();
        System.exit(status);
    }

    /**
     * Parses {@code args} against {@code options}, reads the settings with {@code read}, runs {@code work} on them and
     * returns the process exit status.
     */
    public static <S> int run(String[] args, BenchDeclaration options, Function<BenchOptions, ? extends S> read,
                              Work<? super S> work, PrintStream out, PrintStream err) {
        if (List.of(args).stream().anyMatch(HELP::contains)) {
            out.print(options.usage());
            return ExitCode.SUCCESS.code();
        }
        try {
            work.run(read.apply(options.parse(args)));
            return ExitCode.SUCCESS.code();
        } catch (BenchOptionError e) {
            err.println(e.getMessage());
            err.print(options.usage());
            return ExitCode.CONFIG_ERROR.code();
        } catch (Exception | Error e) { // Errors too: one escaping main could leave Spark's threads holding the JVM
            ExitCode code = ExitCode.of(e);
            err.println(options.bench() + ": " + code.name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": "
                    + (e.getMessage() != null ? e.getMessage() : e));
            e.printStackTrace(err);
            return code.code();
        }
    }
}
