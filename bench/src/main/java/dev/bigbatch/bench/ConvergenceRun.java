package dev.bigbatch.bench;

import dev.bigbatch.jobs.Main;
import dev.bigbatch.jobs.exit.ExitCode;
import dev.bigbatch.jobs.report.MetricRecord;
import dev.bigbatch.jobs.report.MetricsLog;
import dev.bigbatch.jobs.train.TrainingLoop;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one {@link ConvergenceSweep.Candidate} as an ordinary {@code train} command, in this JVM, through
 * {@link Main#run} (same code path, exit codes and run directory as {@code submit/local.sh train}), and reads back the
 * run's training curve from its {@code metrics.jsonl}.
 *
 * <p>A run directory that already holds a finished run is not trained again ({@code train} exits 0 and says so), so
 * an interrupted sweep can be restarted and only pays for the runs it had not finished.
 */
final class ConvergenceRun {
    private ConvergenceRun() {
    }

    /**
     * What one run left behind.
     *
     * @param candidate the configuration
     * @param exitCode  {@code train}'s exit code (0 finished, 79 diverged, others failed)
     * @param message   the error line {@code train} printed when it did not finish, else empty
     * @param curve     the logged training steps (every step), possibly cut short by divergence or failure
     * @param testTop1  top-1 of the run's last evaluation (the test split, at the end), NaN when there is none
     */
    record Outcome(ConvergenceSweep.Candidate candidate, int exitCode, String message,
                   List<StepsToTarget.Point> curve, double testTop1) {
        String status() {
            return switch (exitCode) {
                case 0 -> "finished";
                case 79 -> "diverged at step " + (curve.isEmpty() ? 1 : curve.get(curve.size() - 1).step() + 1);
                default -> "failed (exit " + exitCode + ")";
            };
        }
    }

    /** The {@code train} arguments of a candidate writing to {@code runDir}. */
    static List<String> arguments(ConvergenceSweep.Candidate c, Path runDir) {
        List<String> args = new ArrayList<>(List.of("train"));
        for (String s : c.sets()) {
            args.add("--set");
            args.add(s);
        }
        args.add("--out");
        args.add(runDir.toUri().toString());
        return args;
    }

    /**
     * Trains the candidate into {@code runs/<id>}, with its console output in {@code runs/<id>.log} and, when it
     * finished or diverged, its exit code and error line in {@code runs/<id>.exit}. A run with an {@code .exit} file is
     * not run again: a diverged run would only diverge the same way (every run is deterministic), a finished one is
     * done. Other failures (an interrupted sweep, a lost SparkContext, a full disk) are not recorded, so the next sweep
     * runs the candidate again from the start.
     */
    static Outcome run(ConvergenceSweep.Candidate c, Path runs, String curveSplit) throws IOException {
        Path dir = runs.resolve(c.id());
        Path exit = runs.resolve(c.id() + ".exit");
        if (finishedBefore(c, runs)) {
            String[] saved = Files.readString(exit, StandardCharsets.UTF_8).split("\n", 2);
            return new Outcome(c, Integer.parseInt(saved[0].strip()), saved.length > 1 ? saved[1].strip() : "",
                    curve(dir.resolve(MetricsLog.FILE), curveSplit), testTop1(dir.resolve(MetricsLog.FILE)));
        }
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int code;
        try (OutputStream log = Files.newOutputStream(runs.resolve(c.id() + ".log"));
             PrintStream out = new PrintStream(log, true, StandardCharsets.UTF_8);
             PrintStream err = new PrintStream(new Tee(log, errors), true, StandardCharsets.UTF_8)) {
            out.println("$ submit/local.sh " + String.join(" ", quoted(arguments(c, dir))));
            code = Main.run(arguments(c, dir).toArray(String[]::new), out, err);
        }
        String message = code == 0 ? "" : firstLine(errors.toString(StandardCharsets.UTF_8));
        if (isFinal(code)) {
            Path tmp = runs.resolve(c.id() + ".exit.tmp");
            Files.writeString(tmp, code + "\n" + message + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, exit, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return new Outcome(c, code, message, curve(dir.resolve(MetricsLog.FILE), curveSplit),
                testTop1(dir.resolve(MetricsLog.FILE)));
    }

    /** Exit codes that are the run's deterministic outcome: finished (0) or diverged (79). */
    static boolean isFinal(int exitCode) {
        return exitCode == ExitCode.SUCCESS.code() || exitCode == ExitCode.DIVERGED.code();
    }

    /** Whether an earlier sweep already ran the candidate into {@code runs} (it will be reused, not trained). */
    static boolean finishedBefore(ConvergenceSweep.Candidate c, Path runs) {
        return Files.exists(runs.resolve(c.id() + ".exit"));
    }

    /** The losses of one split of a metrics file, in step order; empty when the run logged nothing for it. */
    static List<StepsToTarget.Point> curve(Path metrics, String split) throws IOException {
        List<StepsToTarget.Point> out = new ArrayList<>();
        if (!Files.exists(metrics)) {
            return out;
        }
        MetricsLog log = MetricsLog.parse(Files.readString(metrics, StandardCharsets.UTF_8), metrics.toString());
        for (MetricRecord r : log.records()) {
            if (r.split().equals(split)) {
                out.add(new StepsToTarget.Point(r.step(), r.loss()));
            }
        }
        out.sort(java.util.Comparator.comparingLong(StepsToTarget.Point::step));
        return out;
    }

    /** Top-1 of the last evaluation of the test split in a metrics file; NaN when the run evaluated nothing. */
    static double testTop1(Path metrics) throws IOException {
        if (!Files.exists(metrics)) {
            return Double.NaN;
        }
        double top1 = Double.NaN;
        for (MetricRecord r : MetricsLog.parse(Files.readString(metrics, StandardCharsets.UTF_8), metrics.toString())
                .records()) {
            if (!r.isTrain() && !r.split().equals(TrainingLoop.TRAIN_SAMPLE)) {
                top1 = r.top1();
            }
        }
        return top1;
    }

    /** Arguments as a shell would need them ({@code local[2]} and the like quoted). */
    static List<String> quoted(List<String> args) {
        return args.stream().map(a -> a.matches("[A-Za-z0-9_./:=,+-]*") ? a : "'" + a + "'").toList();
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    /** Writes to two streams; closing it closes neither (the log is closed by its own try). */
    private static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }

        @Override
        public void flush() throws IOException {
            a.flush();
            b.flush();
        }
    }
}
