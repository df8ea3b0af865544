package dev.bigbatch.jobs.report;

import dev.bigbatch.data.io.AtomicFiles;
import dev.bigbatch.jobs.exit.DataError;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code report.html} for one or more run directories: a summary table and charts of loss, top-1, learning rate,
 * throughput and step time against the step, runs overlaid (see {@link ReportCharts}), with each run's resolved
 * config. One self-contained file: the charts are PNGs embedded as {@code data:} URIs, so it can be mailed or
 * attached to a ticket.
 *
 * <p>Reads {@code metrics.jsonl} (see {@link MetricsLog}; a run still being written is fine), {@code config.conf} and
 * {@code _SUCCESS} of each run from any Hadoop filesystem, and writes atomically (temporary file, then rename).
 */
public final class RunReport {
    /** The report's file name in a run directory. */
    public static final String FILE = "report.html";
    static final String CONFIG = "config.conf";
    static final String SUCCESS = "_SUCCESS";

    /**
     * One run.
     *
     * @param name     how the run is labelled: its directory's name, or its full URI if two runs share a name
     * @param uri      the run directory
     * @param metrics  its parsed metrics
     * @param config   its {@code config.conf}, or null if absent
     * @param finished whether {@code _SUCCESS} exists
     */
    public record Run(String name, String uri, MetricsLog metrics, String config, boolean finished) {
    }

    private final List<Run> runs;

    private RunReport(List<Run> runs) {
        this.runs = List.copyOf(runs);
    }

    /**
     * Loads the runs at {@code runUris}.
     *
     * @throws DataError naming the directory if it has no {@code metrics.jsonl}, or the file and line if that is
     *                   malformed
     */
    public static RunReport load(List<String> runUris, Configuration hadoopConf) throws IOException {
        if (runUris.isEmpty()) {
            throw new IllegalArgumentException("a report needs at least one run directory");
        }
        Set<String> names = new HashSet<>();
        boolean clash = !runUris.stream().map(u -> new Path(u).getName()).allMatch(names::add);
        Set<String> used = new HashSet<>();
        List<Run> runs = new ArrayList<>();
        for (String uri : runUris) {
            Path dir = new Path(uri);
            FileSystem fs = dir.getFileSystem(hadoopConf);
            Path metrics = new Path(dir, MetricsLog.FILE);
            if (!fs.exists(metrics)) {
                throw new DataError(uri + " has no " + MetricsLog.FILE + "; pass run directories (the --out of "
                        + "train), not files");
            }
            Path config = new Path(dir, CONFIG);
            String name = clash ? uri : dir.getName();
            // The same directory named twice still needs distinct series names.
            for (int k = 2; !used.add(name); k++) {
                name = (clash ? uri : dir.getName()) + " (" + k + ")";
            }
            runs.add(new Run(name, uri, MetricsLog.read(fs, metrics),
                    fs.exists(config) ? readText(fs, config) : null, fs.exists(new Path(dir, SUCCESS))));
        }
        return new RunReport(runs);
    }

    /** Builds runs from already-parsed metrics (for callers that hold them, and for tests). */
    public static RunReport of(List<Run> runs) {
        return new RunReport(runs);
    }

    public List<Run> runs() {
        return runs;
    }

    /** The complete HTML document. */
    public String html() throws IOException {
        return ReportHtml.render(runs, ReportCharts.draw(runs));
    }

    /**
     * Writes the report to {@code out} atomically: a temporary file beside it, then a rename over any old report.
     *
     * @return the written path, qualified
     */
    public Path write(Path out, Configuration hadoopConf) throws IOException {
        Path target = out.getFileSystem(hadoopConf).makeQualified(out);
        byte[] bytes = html().getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(target, hadoopConf, o -> o.write(bytes));
        return target;
    }

    /**
     * The {@code report} command: loads {@code runUris} and writes the report to {@code outUri}, or to
     * {@code report.html} in the first run directory when {@code outUri} is null.
     */
    public static Path write(List<String> runUris, String outUri, Configuration hadoopConf) throws IOException {
        Path out = outUri != null ? new Path(outUri) : new Path(new Path(runUris.get(0)), FILE);
        return load(runUris, hadoopConf).write(out, hadoopConf);
    }

    private static String readText(FileSystem fs, Path p) throws IOException {
        try (InputStream in = fs.open(p)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public String toString() {
        return "RunReport" + runs.stream().map(Run::name).toList();
    }
}
