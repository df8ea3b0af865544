package dev.bigbatch.jobs.cli;

import dev.bigbatch.jobs.exit.ExitCode;
import dev.bigbatch.jobs.report.RunReport;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code report --runs RUN [RUN...] [--out FILE]}: one report.html comparing runs (by default written into the
 * first run's directory). {@code --runs} takes every following argument that is not an option.
 */
public final class ReportCommand implements Command {
    @Override
    public String name() {
        return "report";
    }

    @Override
    public String usage() {
        return "report --runs RUN [RUN...] [--out FILE (default: report.html in the first RUN)]";
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("--runs", "--out");
    }

    @Override
    public ExitCode run(Arguments args, PrintStream out) throws Exception {
        List<String> runs = new ArrayList<>(args.all("--runs"));
        if (runs.isEmpty()) {
            throw new dev.bigbatch.optimizer.config.ConfigError("--runs", "is required: name at least one run directory");
        }
        var path = RunReport.write(runs, args.optional("--out", null), dev.bigbatch.jobs.io.HadoopConf.get());
        out.println("wrote " + path + " (" + runs.size() + " run" + (runs.size() > 1 ? "s" : "") + ")");
        return ExitCode.SUCCESS;
    }
}
