package dev.bigbatch.jobs.cli;

import dev.bigbatch.jobs.io.RunFiles;
import dev.bigbatch.optimizer.config.ConfigError;
import dev.bigbatch.optimizer.state.Npy;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.PrintStream;
import java.util.Set;

/**
 * {@code export --model RUN/model.zip --format npy --out FILE}: the flat parameter vector (DL4J's {@code params()}
 * order, float32) as a NumPy {@code .npy}.
 */
public final class ExportCommand implements Command {
    @Override
    public String name() {
        return "export";
    }

    @Override
    public String usage() {
        return "export --model RUN/model.zip|RUN/checkpoints/ckpt-N [--format npy (default npy, the only one)] "
                + "--out FILE";
    }

    @Override
    public Set<String> valuedOptions() {
        return Set.of("--model", "--format", "--out");
    }

    @Override
    public dev.bigbatch.jobs.exit.ExitCode run(Arguments args, PrintStream out) throws Exception {
        String format = args.optional("--format", "npy");
        if (!format.equals("npy")) {
            throw new ConfigError("--format", "'" + format + "' is not supported; supported: npy");
        }
        String target = args.required("--out");
        Configuration conf = dev.bigbatch.jobs.io.HadoopConf.get();
        ComputationGraph net = SavedModels.load(args.required("--model"), conf);
        RunFiles files = RunFiles.parentOf(target, conf);
        String name = new Path(target).getName();
        files.write(name, o -> Npy.write(net.params().reshape(net.params().length()), o));
        out.printf("wrote %,d parameters to %s%n", net.params().length(), files.path(name));
        return dev.bigbatch.jobs.exit.ExitCode.SUCCESS;
    }
}
