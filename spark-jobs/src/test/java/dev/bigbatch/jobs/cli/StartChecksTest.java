package dev.bigbatch.jobs.cli;

import dev.bigbatch.jobs.exit.ExitCode;
import dev.bigbatch.model.ModelChoice;
import dev.bigbatch.model.ModelFactory;
import dev.bigbatch.model.ModelSpec;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static dev.bigbatch.jobs.cli.MainTest.main;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code train} checks when it starts, before it loads any data or writes anything of the run: the number of
 * classes the config expects ({@code data.classes}) among them; a start that fails leaves a new {@code --out} without
 * {@code config.conf} and an earlier run's files as they were. And {@code evaluate}'s check that the model has one
 * output per class of the dataset.
 */
class StartChecksTest {
    @TempDir
    static Path tmp;
    /** Three classes, 256 training images. */
    static String dataset;

    @BeforeAll
    static void data() {
        dataset = MainTest.syntheticDataset(tmp, 256, 64, 3, 5);
    }

    static String[] train(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--out", out.toUri().toString(),
                "--set", "data.path=" + dataset, "--set", "model.name=small-cnn", "--set", "model.width=4",
                "--set", "train.global-batch-size=64", "--set", "train.steps=1", "--set", "train.checkpoint-every=1",
                "--set", "optimizer.name=adam", "--set", "optimizer.learning-rate=0.003"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    /** Every file under {@code dir} (Hadoop's .crc files included) with its bytes. */
    static Map<String, byte[]> files(Path dir) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path f : s.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(f).toString(), Files.readAllBytes(f));
            }
        }
        return out;
    }

    static void assertUnchanged(Map<String, byte[]> before, Path dir, String what) throws IOException {
        Map<String, byte[]> after = files(dir);
        assertEquals(before.keySet(), after.keySet(), what);
        before.forEach((name, bytes) -> assertArrayEquals(bytes, after.get(name), what + ": " + name));
    }

    @Test
    void aDatasetWithAnotherNumberOfClassesIsADataErrorAndAFailedStartWritesNothing() throws Exception {
        Path expectsTen = tmp.resolve("expects-ten");
        MainTest.Outcome ten = main(train(expectsTen, "--set", "data.classes=10"));
        assertEquals(ExitCode.DATA_ERROR.code(), ten.code(), ten.out() + ten.err());
        assertTrue(ten.err().contains("data.classes is 10, but dataset " + dataset + " lists 3 classes in its "
                + "manifest.json"), ten.err());
        // A config error found on the data (the batch is larger than the split) likewise writes nothing.
        Path tooBig = tmp.resolve("too-big");
        MainTest.Outcome batch = main(train(tooBig, "--set", "train.global-batch-size=512"));
        assertEquals(ExitCode.CONFIG_ERROR.code(), batch.code(), batch.err());
        for (Path out : List.of(expectsTen, tooBig)) {
            assertFalse(Files.exists(out.resolve(RunDirectory.CONFIG)), "no config.conf in " + out);
            assertFalse(Files.exists(out.resolve(SavedModels.NETWORK)), "no network.json in " + out);
        }
        Path expectsThree = tmp.resolve("expects-three");
        MainTest.Outcome three = main(train(expectsThree, "--set", "data.classes=3"));
        assertEquals(0, three.code(), three.err());
        assertTrue(Files.readString(expectsThree.resolve(RunDirectory.CONFIG)).contains("classes=3"),
                "config.conf records the config of a run that started");
    }

    /**
     * A resume (or a restart) whose start fails must not touch the interrupted run it was given: not its config.conf,
     * not its checkpoints, metrics or network; fixed, the same resume goes on from the checkpoint ({@code data.classes}
     * may change on resume: it changes nothing that is trained).
     */
    @Test
    void aFailedResumeOrRestartLeavesTheEarlierRunAsItWas() throws Exception {
        Path run = tmp.resolve("interrupted");
        assertEquals(0, main(train(run, "--set", "train.steps=2")).code());
        Files.delete(run.resolve(RunDirectory.SUCCESS)); // as if it had died after its last checkpoint
        Map<String, byte[]> before = files(run);
        assertTrue(before.containsKey("checkpoints/ckpt-2/COMMIT") && before.containsKey(RunDirectory.CONFIG),
                before.keySet().toString());

        MainTest.Outcome resume = main(train(run, "--set", "train.steps=3", "--set", "data.classes=10"));
        assertEquals(ExitCode.DATA_ERROR.code(), resume.code(), resume.err());
        assertUnchanged(before, run, "after a failed resume");
        MainTest.Outcome restart = main(train(run, "--restart", "--set", "data.classes=10"));
        assertEquals(ExitCode.DATA_ERROR.code(), restart.code(), restart.err());
        assertFalse(restart.out().contains("cleared"), restart.out());
        assertUnchanged(before, run, "after a failed --restart");

        MainTest.Outcome fixed = main(train(run, "--set", "train.steps=3", "--set", "data.classes=3"));
        assertEquals(0, fixed.code(), fixed.err());
        assertTrue(fixed.out().contains("resuming after step 2"), fixed.out());
    }

    /**
     * A resume after the dataset at data.path was replaced by one of other classes (a pipeline refreshing it in place):
     * the checkpoint's parameters do not fit the network the new manifest asks for. A data error naming the dataset,
     * its classes and both sizes, at start, the run's files untouched; not a failure inside the loop.
     */
    @Test
    void resumingAfterTheDatasetWasReplacedByOneOfOtherClassesIsADataError() throws Exception {
        Path data = tmp.resolve("refreshed");
        String threeClasses = MainTest.syntheticDataset(data.resolve("v1"), 128, 32, 3, 11);
        String fourClasses = MainTest.syntheticDataset(data.resolve("v2"), 128, 32, 4, 12);
        Path live = data.resolve("live");
        Files.move(Path.of(java.net.URI.create(threeClasses)), live);
        Path run = tmp.resolve("refreshed-run");
        assertEquals(0, main(train(run, "--set", "data.path=" + live.toUri(), "--set", "train.steps=2")).code());
        Files.delete(run.resolve(RunDirectory.SUCCESS));
        Files.move(live, data.resolve("v1-old"));
        Files.move(Path.of(java.net.URI.create(fourClasses)), live);
        Map<String, byte[]> before = files(run);

        MainTest.Outcome resume = main(train(run, "--set", "data.path=" + live.toUri(), "--set", "train.steps=3"));
        assertEquals(ExitCode.DATA_ERROR.code(), resume.code(), resume.out() + resume.err());
        assertTrue(resume.err().contains("dataset " + live.toUri() + " lists 4 classes")
                && resume.err().contains("checkpoint of step 2"), resume.err());
        assertUnchanged(before, run, "after a resume on a replaced dataset");
    }

    /**
     * A data error found while the splits are cached (here the evaluation split's ids are not 0..n−1, which laying it
     * out for exact evaluation checks) is a failed start like the manifest's checks: a {@code --restart} keeps the
     * earlier run's checkpoints, and a new {@code --out} gets no {@code config.conf}.
     */
    @Test
    void aDataErrorWhileCachingTheSplitsWritesNothing() throws Exception {
        Path broken = tmp.resolve("broken-ids");
        Files.createDirectories(broken);
        Path source = Path.of(java.net.URI.create(dataset));
        Files.copy(source.resolve("manifest.json"), broken.resolve("manifest.json"));
        try (Stream<Path> s = Files.walk(source.resolve("train"))) {
            for (Path f : s.toList()) {
                Files.copy(f, broken.resolve(source.relativize(f)));
            }
        }
        var spark = dev.bigbatch.jobs.SparkTestSession.get();
        spark.read().parquet(source.resolve("test").toUri().toString())
                .withColumn("id", org.apache.spark.sql.functions.col("id").plus(1000))
                .write().parquet(broken.resolve("test").toUri().toString());
        String brokenUri = broken.toUri().toString();

        Path run = tmp.resolve("restarted-on-broken");
        assertEquals(0, main(train(run, "--set", "train.steps=2")).code());
        Map<String, byte[]> before = files(run);
        MainTest.Outcome restart = main(train(run, "--restart", "--set", "data.path=" + brokenUri));
        assertEquals(ExitCode.DATA_ERROR.code(), restart.code(), restart.out() + restart.err());
        assertTrue(restart.err().contains("is outside 0..63"), restart.err());
        assertUnchanged(before, run, "after a --restart that failed on the data");

        Path fresh = tmp.resolve("fresh-on-broken");
        MainTest.Outcome start = main(train(fresh, "--set", "data.path=" + brokenUri));
        assertEquals(ExitCode.DATA_ERROR.code(), start.code(), start.err());
        assertFalse(Files.exists(fresh.resolve(RunDirectory.CONFIG)), "no config.conf in " + fresh);
        assertFalse(Files.exists(fresh.resolve(SavedModels.NETWORK)), "no network.json in " + fresh);
    }

    /** A model evaluated on a dataset with another number of classes: a data error naming both, nothing written. */
    @Test
    void evaluatingOnADatasetWithAnotherNumberOfClassesIsADataError() throws Exception {
        Path model = tmp.resolve("five-classes.zip");
        ModelSerializer.writeModel(ModelFactory.build(ModelSpec.of(new ModelChoice("small-cnn", 4), 5, 3, 32, 32, 1)),
                model.toFile(), false);
        Path result = tmp.resolve("five-on-three.json");
        MainTest.Outcome ev = main("evaluate", "--model", model.toUri().toString(), "--data", dataset, "--out",
                result.toUri().toString());
        assertEquals(ExitCode.DATA_ERROR.code(), ev.code(), ev.out() + ev.err());
        assertTrue(ev.err().contains("dataset " + dataset + " lists 3 classes, but the model " + model.toUri()
                + " has 5 outputs"), ev.err());
        assertFalse(Files.exists(result));
    }
}
