package dev.bigbatch.jobs.cli;

import dev.bigbatch.jobs.exit.ExitCode;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.bigbatch.jobs.cli.MainTest.main;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What scheduled retraining relies on: resume is bit-exact, a corrupt latest checkpoint falls back to the previous
 * one, a different config is refused naming the keys, a finished run is not redone, warm start starts from earlier
 * weights, and divergence stops with its own exit code and the last good checkpoint intact.
 */
class RunLifecycleTest {
    @TempDir
    static Path tmp;
    static String dataset;

    @BeforeAll
    static void data() {
        dataset = MainTest.syntheticDataset(tmp, 512, 64, 3, 9);
    }

    static String[] train(Path out, int steps, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--out", out.toUri().toString(),
                "--set", "data.path=" + dataset, "--set", "model.name=small-cnn", "--set", "model.width=4",
                "--set", "train.global-batch-size=64", "--set", "train.steps=" + steps,
                "--set", "train.checkpoint-every=1", "--set", "train.keep-checkpoints=3", "--set", "train.log-every=1",
                "--set", "optimizer.name=adam", "--set", "optimizer.learning-rate=0.003"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    static float[] params(Path run) throws Exception {
        return SavedModels.load(run.resolve("model.zip").toString(), new Configuration()).params().toFloatVector();
    }

    @Test
    void resumeIsBitExactAndSurvivesACorruptLatestCheckpoint() throws Exception {
        Path straight = tmp.resolve("straight");
        assertEquals(0, main(train(straight, 5)).code());

        Path interrupted = tmp.resolve("interrupted");
        assertEquals(0, main(train(interrupted, 3)).code());
        // As if the process had died after committing checkpoint 3: no _SUCCESS, and the newest checkpoint damaged.
        Files.delete(interrupted.resolve("_SUCCESS"));
        Path params = interrupted.resolve("checkpoints/ckpt-3/params.npy");
        try (RandomAccessFile f = new RandomAccessFile(params.toFile(), "rw")) {
            f.setLength(f.length() / 2);
        }
        MainTest.Outcome resumed = main(train(interrupted, 5));
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("resuming after step 2"), resumed.out());
        assertArrayEquals(params(straight), params(interrupted), "resumed run must equal the uninterrupted one");
        long logged = Files.readAllLines(interrupted.resolve("metrics.jsonl")).stream()
                .filter(l -> l.contains("\"train\"")).count();
        assertEquals(5, logged, "metrics hold each step once after the resume");
    }

    @Test
    void differentConfigIsRefusedNamingTheKey() throws Exception {
        Path run = tmp.resolve("mismatch");
        assertEquals(0, main(train(run, 2)).code());
        Files.delete(run.resolve("_SUCCESS"));
        MainTest.Outcome other = main(train(run, 4, "--set", "optimizer.learning-rate=0.01"));
        assertEquals(ExitCode.CONFIG_ERROR.code(), other.code());
        assertTrue(other.err().contains("optimizer.learning-rate") && other.err().contains("0.003"), other.err());
    }

    @Test
    void finishedRunIsNotRedoneUnlessRestarted() throws Exception {
        Path run = tmp.resolve("done");
        assertEquals(0, main(train(run, 2)).code());
        long before = Files.getLastModifiedTime(run.resolve("model.zip")).toMillis();
        MainTest.Outcome again = main(train(run, 2));
        assertEquals(0, again.code());
        assertTrue(again.out().contains("nothing to do"), again.out());
        assertEquals(before, Files.getLastModifiedTime(run.resolve("model.zip")).toMillis());
        MainTest.Outcome restart = main(train(run, 2, "--restart"));
        assertEquals(0, restart.code(), restart.err());
        assertTrue(restart.out().contains("step 2/2"), restart.out());
    }

    @Test
    void warmStartBeginsFromTheEarlierWeights() throws Exception {
        Path first = tmp.resolve("first");
        assertEquals(0, main(train(first, 4)).code());
        Path warm = tmp.resolve("warm");
        // Another seed: the initialization it sets is not used, so the network counts as the same.
        MainTest.Outcome w = main(train(warm, 1, "--warm-start", first.toUri().toString(), "--set",
                "optimizer.learning-rate=0.0000001", "--set", "train.augment=false", "--set", "train.seed=7"));
        assertEquals(0, w.code(), w.err());
        assertTrue(w.out().contains("warm start from"), w.out());
        var net = SavedModels.load(first.resolve("model.zip").toString(), new Configuration());
        var layout = dev.bigbatch.optimizer.ParameterLayout.of(net);
        float[] a = params(first);
        float[] b = params(warm);
        double diff = 0;
        for (var seg : layout.segments()) {
            if (seg.role().trainable()) {
                for (long i = seg.offset(); i < seg.offset() + seg.length(); i++) {
                    diff = Math.max(diff, Math.abs(a[(int) i] - b[(int) i]));
                }
            }
        }
        // One Adam step moves each weight by about the learning rate (1e-7); batch-norm running statistics, which
        // move by 10% towards the batch's, are left out.
        assertTrue(diff < 1e-5, "warm start did not begin from the earlier weights: max diff " + diff);
        MainTest.Outcome carry = main(train(tmp.resolve("carry"), 1, "--warm-start",
                first.resolve("model.zip").toUri().toString(), "--set", "train.warm-start-optimizer=carry"));
        assertEquals(ExitCode.CONFIG_ERROR.code(), carry.code());
        assertTrue(carry.err().contains("train.warm-start-optimizer"), carry.err());
        // Weights of another network (here another width) are refused naming the option and both sizes.
        MainTest.Outcome other = main(train(tmp.resolve("other-network"), 1, "--warm-start", first.toUri().toString(),
                "--set", "model.width=8"));
        assertEquals(ExitCode.CONFIG_ERROR.code(), other.code(), other.err());
        assertTrue(other.err().contains("--warm-start") && other.err().contains("different network"), other.err());
    }

    /**
     * {@code carry} continues the optimizer where the earlier run's newest checkpoint left it: that checkpoint's stored
     * weights (for Neumann the displaced w + μm its m belongs to, not model.zip's w − μm) and state, the optimizer's
     * clock going on, and only the learning-rate schedule starting again.
     */
    @Test
    void carryTakesTheCheckpointsStoredWeightsAndStateAndRestartsTheSchedule() throws Exception {
        String[] neumann = {"--set", "optimizer.name=neumann", "--set", "optimizer.learning-rate=0.05",
                "--set", "optimizer.sgd-warmup-epochs=0.125", "--set", "optimizer.schedule.warmup-steps=2",
                "--set", "optimizer.schedule.warmup-start-factor=0.5"};
        Path earlier = tmp.resolve("carry-from");
        assertEquals(0, main(train(earlier, 3, neumann)).code());

        Configuration conf = new Configuration();
        var checkpoint = dev.bigbatch.jobs.checkpoint.CheckpointStore.inRun(earlier.toUri().toString(), conf, 1)
                .latestValid().checkpoint().orElseThrow();
        assertEquals(3, checkpoint.step());
        var net = SavedModels.load(earlier.resolve("model.zip").toString(), conf);
        var settings = dev.bigbatch.jobs.run.RunConfig.from(dev.bigbatch.jobs.run.ConfigLoader.loadText(
                Files.readString(earlier.resolve(RunDirectory.CONFIG)), List.of("train.warm-start-optimizer=carry")));
        var start = WarmStart.start(earlier.toUri().toString(), net, settings.train(),
                () -> settings.optimizer().create(dev.bigbatch.optimizer.ParameterLayout.of(net),
                        new dev.bigbatch.optimizer.TrainingShape(3, 8, 64)), conf,
                new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
        assertArrayEquals(checkpoint.parameters().toFloatVector(), start.params().toFloatVector(),
                "the checkpoint's stored weights");
        assertFalse(java.util.Arrays.equals(params(earlier), start.params().toFloatVector()),
                "model.zip holds w − μm, which Neumann's m does not go with");
        assertEquals(0, start.step());
        assertTrue(start.restartSchedule());

        Path carried = tmp.resolve("carried");
        List<String> args = new ArrayList<>(List.of(neumann));
        args.addAll(List.of("--warm-start", earlier.toUri().toString(), "--set", "train.warm-start-optimizer=carry"));
        MainTest.Outcome c = main(train(carried, 2, args.toArray(String[]::new)));
        assertEquals(0, c.code(), c.err());
        assertTrue(c.out().contains("with its optimizer state (step 3); the learning-rate schedule starts again"),
                c.out());
        var state = dev.bigbatch.jobs.checkpoint.CheckpointStore.inRun(carried.toUri().toString(), conf, 1)
                .latestValid().checkpoint().orElseThrow().optimizerState();
        assertEquals(5, state.getLong("step"), "the optimizer's clock went on from step 3");
        assertEquals(3, state.getLong(dev.bigbatch.optimizer.UpdateRuleOptimizer.SCHEDULE_ORIGIN));
        List<String> metrics = Files.readAllLines(carried.resolve("metrics.jsonl"));
        assertTrue(metrics.get(0).contains("\"step\":1,") && metrics.get(0).contains("\"lr\":0.025,"),
                "the schedule's warm-up starts again at 0.5 × 0.05: " + metrics.get(0));

        MainTest.Outcome other = main(train(tmp.resolve("carry-adam"), 1, "--warm-start", earlier.toUri().toString(),
                "--set", "train.warm-start-optimizer=carry"));
        assertEquals(ExitCode.CONFIG_ERROR.code(), other.code(), other.err());
        assertTrue(other.err().contains("train.warm-start-optimizer") && other.err().contains("'neumann'")
                && other.err().contains("'adam'"), other.err());
    }

    /**
     * A carried state that does not fit the optimizer as configured, here Neumann's single-loop state (m, its reset
     * schedule, weights displaced by μm) in a two-loop run and back, is a config error naming the key, the checkpoint and
     * what does not fit, at start: before training and before anything is written to the new run directory.
     */
    @Test
    void carryingAStateOfTheOtherNeumannModeIsAConfigErrorAtStart() throws Exception {
        String[] neumann = {"--set", "optimizer.name=neumann", "--set", "optimizer.learning-rate=0.05",
                "--set", "optimizer.sgd-warmup-epochs=0.125"};
        String[] twoLoop = {"--set", "optimizer.mode=two-loop", "--set", "optimizer.inner-iterations=1"};
        Path single = tmp.resolve("single-loop");
        assertEquals(0, main(train(single, 2, neumann)).code());
        List<String> twoLoopArgs = new ArrayList<>(List.of(neumann));
        twoLoopArgs.addAll(List.of(twoLoop));
        Path two = tmp.resolve("two-loop");
        MainTest.Outcome trained = main(train(two, 2, twoLoopArgs.toArray(String[]::new)));
        assertEquals(0, trained.code(), trained.err());

        for (boolean intoTwoLoop : new boolean[]{true, false}) {
            Path from = intoTwoLoop ? single : two;
            List<String> args = new ArrayList<>(intoTwoLoop ? twoLoopArgs : List.of(neumann));
            args.addAll(List.of("--warm-start", from.toUri().toString(), "--set", "train.warm-start-optimizer=carry"));
            Path out = tmp.resolve("carried-into-" + (intoTwoLoop ? "two" : "single") + "-loop");
            MainTest.Outcome c = main(train(out, 1, args.toArray(String[]::new)));
            assertEquals(ExitCode.CONFIG_ERROR.code(), c.code(), c.out() + c.err());
            assertTrue(c.err().contains("train.warm-start-optimizer: 'carry': the optimizer state of ")
                    && c.err().contains(from.getFileName() + "/checkpoints/ckpt-2 (step 2)")
                    && c.err().contains("does not fit optimizer.* as configured"), c.err());
            assertTrue(intoTwoLoop ? c.err().contains("does not use: [") && c.err().contains("neumann-iterate")
                    : c.err().contains("mode = two-loop"), c.err());
            assertFalse(c.out().contains("step 1/1"), "no step was trained: " + c.out());
            assertFalse(Files.exists(out.resolve(RunDirectory.CONFIG)), "nothing written to " + out);
            assertFalse(Files.exists(out.resolve(SavedModels.NETWORK)), "nothing written to " + out);
        }
    }

    /**
     * {@code carry} takes the optimizer state (here Adam's moments and step count) but not the earlier run's place in
     * its schedule: the new run's learning rates are those of its own schedule from step 0, as with {@code fresh}.
     * The source's cosine schedule has ended (η = 0), which is where the carried run trained before.
     */
    @Test
    void aCarriedOptimizerStateStartsTheNewRunsSchedule() throws Exception {
        String cosine = "optimizer.schedule.name=cosine";
        Path source = tmp.resolve("cosine-source");
        assertEquals(0, main(train(source, 3, "--set", cosine)).code());
        List<Double> lrs = new ArrayList<>();
        for (String mode : List.of("fresh", "carry")) {
            Path run = tmp.resolve("cosine-" + mode);
            MainTest.Outcome w = main(train(run, 2, "--set", cosine, "--warm-start", source.toUri().toString(),
                    "--set", "train.warm-start-optimizer=" + mode));
            assertEquals(0, w.code(), w.err());
            assertEquals(mode.equals("carry"), w.out().contains("with its optimizer state"), w.out());
            for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
                var n = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
                if (n.get("split").asText().equals("train")) {
                    lrs.add(n.get("lr").asDouble());
                }
            }
        }
        // Cosine over 2 steps from optimizer.learning-rate 0.003: 0.003 at step 1, 0.0015 at step 2, in both runs.
        assertEquals(List.of(0.003, 0.0015, 0.003, 0.0015), lrs);
    }

    /**
     * Divergence stops the run with its exit code, keeps the checkpoints, and names the last one with good weights:
     * a step's loss is that of the weights after the previous step, so when step 3's loss gives the alarm, ckpt-2
     * holds the weights that produced it, and ckpt-1 is the one to warm-start from.
     */
    @Test
    void divergenceStopsWithItsExitCodeAndNamesTheLastGoodCheckpoint() throws Exception {
        Path run = tmp.resolve("diverge");
        // Observed: with the warm-up's rates 0, 83, 167, ... the loss of the weights after step 2 is ~10x the first.
        MainTest.Outcome d = main(train(run, 30, "--set", "optimizer.name=sgd", "--set",
                "optimizer.learning-rate=500", "--set", "optimizer.schedule.warmup-steps=6",
                "--set", "train.divergence-factor=3"));
        assertEquals(ExitCode.DIVERGED.code(), d.code(), d.out() + d.err());
        assertTrue(d.err().contains("diverged at step 3"), d.err());
        assertFalse(Files.exists(run.resolve("_SUCCESS")));
        for (int step = 1; step <= 2; step++) {
            assertTrue(Files.exists(run.resolve("checkpoints/ckpt-" + step + "/COMMIT")), "ckpt-" + step);
        }
        assertTrue(d.err().contains("the last good checkpoint is ") && d.err().contains("/checkpoints/ckpt-1 ("),
                d.err());
        double threshold = 3 * firstTrainLoss(run);
        // What the exit code's advice says: a new run from that checkpoint, with a smaller rate.
        Path good = run.resolve("checkpoints/ckpt-1");
        MainTest.Outcome recovered = main(train(tmp.resolve("recovered"), 2, "--warm-start",
                good.toUri().toString(), "--set", "optimizer.name=sgd", "--set", "optimizer.learning-rate=0.01"));
        assertEquals(0, recovered.code(), recovered.err());
        assertTrue(recovered.out().contains("warm start from " + good.toUri()), recovered.out());
        assertTrue(firstTrainLoss(tmp.resolve("recovered")) < threshold, recovered.out());
        // The newest checkpoint would have started from the diverged weights.
        MainTest.Outcome fromNewest = main(train(tmp.resolve("from-newest"), 1, "--warm-start",
                run.resolve("checkpoints/ckpt-2").toUri().toString(), "--set", "optimizer.name=sgd",
                "--set", "optimizer.learning-rate=0.01", "--set", "train.divergence-factor=0"));
        assertEquals(0, fromNewest.code(), fromNewest.err());
        assertTrue(firstTrainLoss(tmp.resolve("from-newest")) > threshold, fromNewest.out());
        assertTrue(ExitCode.DIVERGED.action().contains("--warm-start"), ExitCode.DIVERGED.action());
    }

    private static double firstTrainLoss(Path run) throws Exception {
        String first = Files.readAllLines(run.resolve("metrics.jsonl")).get(0);
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(first).get("loss").asDouble();
    }
}
