package dev.bigbatch.bench;

import dev.bigbatch.data.dataset.DatasetLayout;
import dev.bigbatch.data.dataset.DatasetManifest;
import dev.bigbatch.jobs.Main;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Steps to a training-loss target at global batch 2048 on the generated CIFAR-format task, for SGD + momentum, Adam,
 * Neumann and K-FAC, each over a small learning-rate sweep ({@link ConvergenceSweep}); issues 3 (Neumann ≤ 0.8×
 * Adam's steps) and 4 (K-FAC ≤ 0.5× momentum's steps).
 *
 * <p>Generates the synthetic CIFAR-10-format set once ({@code synth-cifar}, {@code prepare-cifar}), then runs
 * {@code train} for every candidate in this JVM through {@link Main#run}, each into its own run directory, and reads
 * the curves back from the runs' {@code metrics.jsonl}. Every run takes exactly {@code cap} steps; steps to the target
 * are counted by {@link StepsToTarget} (mean of the last {@code window} steps' training loss ≤ target), "not reached"
 * when that never happens within the cap. Training loss is by default the loop's: the mean loss over the step's global
 * batch at the weights the gradient is taken at (for Neumann, the stored, displaced weights). With
 * {@code train-sample=n} it is instead the loss of the model each optimizer would return (its evaluation weights:
 * Neumann's w − μm) on a fixed seeded sample of n training examples, evaluated after every step like the test split
 * (inference mode, no augmentation); the files then get the suffix {@code -train-sample}.
 *
 * <p>Writes {@code OUT/results.md} (the table) after every run, and at the end {@code DOCS/convergence-b<batch>.csv}
 * (every curve) and {@code DOCS/convergence-b<batch>.png} (the best run per optimizer). Re-running with the same
 * {@code out} reuses finished runs, so a grid can be extended ({@code rates.NAME=r1,r2,...}) at the cost of the new
 * runs only. {@code dataset=URI} uses an already prepared dataset instead (e.g. another sweep's, to repeat runs with
 * another {@code seed=} into another {@code out}). Usage: {@code ConvergenceBench [key=value]...}, with the keys of
 * {@link ConvergenceOptions} ({@code --help} lists them with their defaults) and {@code rates.NAME} for NAME in
 * {@link ConvergenceSweep#LABELS}; an unknown key or NAME, a name in {@code only} that is not a label, or options
 * whose runs {@code train} would refuse (status 78, one line naming the options) fail before any run.
 */
public final class ConvergenceBench {
    private ConvergenceBench() {
    }

    public static void main(String[] args) {
        BenchRunner.main(args, ConvergenceOptions.declaration(), ConvergenceOptions::new, ConvergenceBench::run);
    }

    private static void run(ConvergenceOptions options) throws IOException {
        System.setProperty("java.awt.headless", "true");
        Path out = options.out;
        Path docs = options.docs;
        int batch = options.batch;
        StepsToTarget criterion = options.criterion;
        String dataset = options.dataset.isEmpty() ? dataset(out, options.trainImages, options.testImages,
                String.valueOf(options.dataSeed)) : options.dataset;
        // From the dataset itself, also when it was given: Neumann's epoch clocks depend on it.
        long train = DatasetManifest.load(dataset, new Configuration()).split(DatasetLayout.TRAIN).count();
        if (!options.dataset.isEmpty()) {
            options.checkRuns(train); // a given dataset's size is known only now, still before any run
        }
        ConvergenceSweep sweep = options.sweep(dataset, Math.max(1, train / batch));
        System.out.printf(Locale.ROOT, "convergence sweep: %s width %d, %d train images, global batch %d (ghost %d), "
                        + "cap %d steps, target %.4g (mean of %d steps) on the %s loss, out %s%n", sweep.model(),
                sweep.width(), train, batch, sweep.ghostBatch(), sweep.stepCap(), criterion.target(),
                criterion.window(), sweep.trainSample() > 0
                        ? "training sample's (" + sweep.trainSample() + " examples)" : "logged training", out);

        Path runs = Files.createDirectories(out.resolve("runs"));
        List<ConvergenceRun.Outcome> outcomes = new ArrayList<>();
        for (ConvergenceSweep.Candidate c : sweep.candidates(options.only, options.rates)) {
            System.out.println("run " + c.id() + ": submit/local.sh " + String.join(" ",
                    ConvergenceRun.quoted(ConvergenceRun.arguments(c, runs.resolve(c.id())))));
            long t0 = System.nanoTime();
            boolean reused = ConvergenceRun.finishedBefore(c, runs);
            ConvergenceRun.Outcome o = ConvergenceRun.run(c, runs, sweep.curveSplit());
            outcomes.add(o);
            ConvergenceReport report = new ConvergenceReport(criterion, outcomes);
            OptionalLong n = report.steps(o);
            System.out.printf(Locale.ROOT, "  %s: %s, steps to target %s, last smoothed loss %.4f (%s)%s%n", c.id(),
                    o.status(), n.isPresent() ? n.getAsLong() : "not reached", report.finalSmoothed(o),
                    reused ? "reused from an earlier sweep" : String.format(Locale.ROOT, "%.0f s wall, process RSS %s",
                            (System.nanoTime() - t0) / 1e9, residentMemory()),
                    o.message().isEmpty() ? "" : "\n  " + o.message());
            ConvergenceReport.publish(out.resolve("results.md"), report.table());
        }
        ConvergenceReport report = new ConvergenceReport(criterion, outcomes);
        System.out.println();
        System.out.print(report.table());
        summary(report.best(), report, sweep.stepCap());
        for (double t : options.alsoTargets) {
            ConvergenceReport other = new ConvergenceReport(new StepsToTarget(t, criterion.window()), outcomes);
            System.out.printf(Locale.ROOT, "%nsensitivity, target %s:%n", ConvergenceSweep.rate(t));
            summary(other.best(), other, sweep.stepCap());
        }
        String stem = "convergence-b" + batch + (sweep.trainSample() > 0 ? "-train-sample" : "");
        ConvergenceReport.publish(docs.resolve(stem + ".csv"), report.csv());
        ConvergenceReport.publish(docs.resolve(stem + ".png"), report.png(String.format(Locale.ROOT,
                "%s width %d, synthetic CIFAR-10 (%,d), global batch %d: best learning rate per optimizer",
                sweep.model(), sweep.width(), train, batch), sweep.trainSample() > 0
                ? String.format(Locale.ROOT, "loss of %,d training examples at the evaluation weights",
                sweep.trainSample())
                : "training loss (mean over the global batch)"));
        System.out.println("wrote " + docs.resolve(stem + ".csv") + " and " + docs.resolve(stem + ".png"));
        scala.Option<SparkSession> spark = SparkSession.getDefaultSession();
        if (spark.isDefined()) {
            spark.get().stop(); // none when every run was reused
        }
    }

    /** The prepared dataset under {@code out}, generated and prepared on the first run only. */
    private static String dataset(Path out, int train, int test, String seed) {
        Path archive = out.resolve("synthetic/cifar-10-binary.tar.gz");
        Path prepared = out.resolve("dataset");
        if (Files.exists(prepared.resolve("manifest.json"))) {
            return prepared.toUri().toString();
        }
        command("synth-cifar", "--out", archive.toUri().toString(), "--train", String.valueOf(train), "--test",
                String.valueOf(test), "--classes", "10", "--seed", seed, "--overwrite");
        command("prepare-cifar", "--input", archive.toUri().toString(), "--out", prepared.toUri().toString(),
                "--shards", ConvergenceSweep.PARTITIONS, "--master", "local[2]", "--overwrite");
        return prepared.toUri().toString();
    }

    private static void command(String... args) {
        System.out.println("$ submit/local.sh " + String.join(" ", ConvergenceRun.quoted(List.of(args))));
        int code = Main.run(args, System.out, System.err);
        if (code != 0) {
            throw new IllegalStateException(args[0] + " failed with exit code " + code);
        }
    }

    /** The best run per optimizer and the two issue targets, each judged only on what was measured. */
    private static void summary(Map<String, ConvergenceRun.Outcome> best, ConvergenceReport report, int cap) {
        System.out.println();
        best.forEach((name, o) -> System.out.printf(Locale.ROOT, "best %s: lr %s, steps to target %s%n", name,
                ConvergenceSweep.rate(o.candidate().learningRate()), report.steps(o).isPresent()
                        ? String.valueOf(report.steps(o).getAsLong()) : "not reached in " + cap));
        System.out.println(verdict("issue 3: Neumann <= 0.8 x Adam", best.get("neumann"), best.get("adam"), 0.8,
                report, cap));
        System.out.println(verdict("issue 3: Neumann (clocks scaled to the run) <= 0.8 x Adam",
                best.get(ConvergenceSweep.NEUMANN_SCALED), best.get("adam"), 0.8, report, cap));
        System.out.println(verdict("two-loop Neumann <= 0.8 x Adam, in steps only (its step is K_inner passes)",
                best.get(ConvergenceSweep.NEUMANN_TWO_LOOP), best.get("adam"), 0.8, report, cap));
        System.out.println(verdict("issue 4: K-FAC <= 0.5 x momentum", best.get("kfac"), best.get("momentum"), 0.5,
                report, cap));
    }

    /**
     * Whether steps(a) ≤ bound × steps(b). A run that did not reach the target took more than {@code cap} steps, so
     * the comparison is decided only when a reached it within bound × cap or b's bound would exceed a's count anyway;
     * otherwise it is undecided, never guessed.
     */
    static String verdict(String label, ConvergenceRun.Outcome a, ConvergenceRun.Outcome b, double bound,
                          ConvergenceReport report, int cap) {
        if (a == null || b == null) {
            return label + ": not measured (optimizer not in the sweep or no run logged a step)";
        }
        OptionalLong sa = report.steps(a);
        OptionalLong sb = report.steps(b);
        if (sa.isPresent() && sb.isPresent()) {
            double ratio = (double) sa.getAsLong() / sb.getAsLong();
            return String.format(Locale.ROOT, "%s: %d / %d = %.3f -> %s", label, sa.getAsLong(), sb.getAsLong(),
                    ratio, ratio <= bound ? "MET" : "NOT MET");
        }
        if (sa.isPresent()) {
            // b needs more than cap steps, so a ≤ bound × b holds if a ≤ bound × (cap + 1).
            boolean met = sa.getAsLong() <= bound * (cap + 1);
            return String.format(Locale.ROOT, "%s: %d / (> %d) -> %s", label, sa.getAsLong(), cap,
                    met ? "MET" : "UNDECIDED (second optimizer did not reach the target within the cap)");
        }
        return String.format(Locale.ROOT, "%s: %s / %s -> %s", label, "not reached",
                sb.isPresent() ? String.valueOf(sb.getAsLong()) : "not reached",
                sb.isPresent() ? "NOT MET" : "UNDECIDED (neither reached the target within the cap)");
    }

    /**
     * This process's resident memory (Linux {@code VmRSS}), logged after every run: all runs share the JVM, so memory
     * that a run fails to give back shows up as growth from run to run.
     */
    private static String residentMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024 + " MiB";
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux, or an unexpected format: the figure is informational only
        }
        return "n/a";
    }
}
