package dev.bigbatch.jobs;

import dev.bigbatch.jobs.cli.Arguments;
import dev.bigbatch.jobs.cli.Command;
import dev.bigbatch.jobs.cli.EvaluateCommand;
import dev.bigbatch.jobs.cli.ExportCommand;
import dev.bigbatch.jobs.cli.PrepareCifarCommand;
import dev.bigbatch.jobs.cli.PrepareImagenetCommand;
import dev.bigbatch.jobs.cli.ReportCommand;
import dev.bigbatch.jobs.cli.SynthCifarCommand;
import dev.bigbatch.jobs.cli.TrainCommand;
import dev.bigbatch.jobs.exit.ExitCode;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The entry point: {@code bigbatch COMMAND [options]} ({@code bigbatch COMMAND --help} prints one command's
 * options), run locally by {@code submit/local.sh} and on a cluster by
 * {@code spark-submit ... bigbatch-spark-jobs-cluster.jar COMMAND ...}.
 */
public final class Main {
    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();

    static {
        for (Command c : List.of(new SynthCifarCommand(), new PrepareCifarCommand(), new PrepareImagenetCommand(),
                new TrainCommand(), new EvaluateCommand(), new ExportCommand(), new ReportCommand())) {
            COMMANDS.put(c.name(), c);
        }
    }

    private Main() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.exit(code);
    }

    /** Runs a command and returns the process exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
            usage(out);
            return args.length == 0 ? ExitCode.CONFIG_ERROR.code() : ExitCode.SUCCESS.code();
        }
        Command c = COMMANDS.get(args[0]);
        if (c == null) {
            err.println("bigbatch: unknown command '" + args[0] + "'");
            usage(err);
            return ExitCode.CONFIG_ERROR.code();
        }
        List<String> options = Arrays.asList(args).subList(1, args.length);
        if (options.contains("--help")) {
            out.println("usage: bigbatch " + c.usage());
            return ExitCode.SUCCESS.code();
        }
        try {
            Arguments a = Arguments.parse(c.name(), options, c.valuedOptions(), c.flags());
            return c.run(a, out).code();
        } catch (Exception e) {
            ExitCode code = ExitCode.of(e);
            err.println("bigbatch " + c.name() + ": " + code.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')
                    + ": " + rootMessage(e));
            if (code == ExitCode.INTERNAL_ERROR) {
                e.printStackTrace(err);
            } else {
                err.println("  what to do: " + code.action());
            }
            return code.code();
        }
    }

    /** The most specific message in the cause chain (Spark wraps executor failures). */
    private static String rootMessage(Throwable e) {
        String msg = e.getMessage();
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof dev.bigbatch.optimizer.config.ConfigError || t instanceof dev.bigbatch.jobs.exit.DataError
                    || t instanceof dev.bigbatch.jobs.exit.DivergenceError) {
                msg = t.getMessage();
            }
        }
        return msg;
    }

    private static void usage(PrintStream out) {
        out.println("usage: bigbatch COMMAND [options]");
        for (Command c : COMMANDS.values()) {
            out.println("  " + c.usage());
        }
    }
}
