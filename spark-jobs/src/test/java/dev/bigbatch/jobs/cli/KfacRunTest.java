package dev.bigbatch.jobs.cli;

import dev.bigbatch.jobs.SparkTestSession;
import dev.bigbatch.jobs.kfac.JobDescriptions;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.bigbatch.jobs.cli.MainTest.main;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A K-FAC config end to end through {@code train} with {@code optimizer.inverse-on = executors}, and its checkpoint
 * resume: the factor averages, eigendecompositions, momentum and step counter come back exactly.
 */
class KfacRunTest {
    @TempDir
    static Path tmp;
    static String dataset;

    @BeforeAll
    static void data() {
        dataset = MainTest.syntheticDataset(tmp, 256, 64, 3, 9);
    }

    /** K-FAC with factors every step and inverses every second step, so a resume lands between two refreshes. */
    static String[] train(Path out, int steps, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--out", out.toUri().toString(),
                "--set", "data.path=" + dataset, "--set", "model.name=small-cnn", "--set", "model.width=4",
                "--set", "train.global-batch-size=64", "--set", "train.steps=" + steps,
                "--set", "train.checkpoint-every=1", "--set", "train.log-every=1",
                "--set", "optimizer.name=kfac", "--set", "optimizer.learning-rate=0.05",
                "--set", "optimizer.cov-update-every=1", "--set", "optimizer.inverse-update-every=2",
                "--set", "optimizer.damping=0.01", "--set", "optimizer.inverse-on=executors"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    void trainsEndToEndWithInversesOnTheExecutorsAndResumesBitExact() throws Exception {
        Path straight = tmp.resolve("straight");
        MainTest.Outcome done;
        List<String> inverseJobs;
        try (JobDescriptions jobs = JobDescriptions.listen(SparkTestSession.context())) {
            done = main(train(straight, 5));
            inverseJobs = jobs.inverseJobs();
        }
        assertEquals(0, done.code(), done.out() + done.err());
        assertTrue(done.out().contains("optimizer kfac") && done.out().contains("step 5/5"), done.out());
        assertEquals(3, inverseJobs.size(), "refreshes at steps 1, 3 and 5 ran as Spark jobs: " + inverseJobs);
        assertTrue(inverseJobs.get(1).startsWith("bigbatch train step 3:"), inverseJobs.get(1));
        assertEquals("executors", ConfigFactory.parseFile(straight.resolve("config.conf").toFile())
                .getString("optimizer.inverse-on"));
        assertTrue(Files.exists(straight.resolve("evaluation.json")) && Files.exists(straight.resolve("_SUCCESS")));
        long logged = Files.readAllLines(straight.resolve("metrics.jsonl")).stream()
                .filter(l -> l.contains("\"train\"") && !l.contains("NaN")).count();
        assertEquals(5, logged, "five finite training records");

        Path interrupted = tmp.resolve("interrupted");
        assertEquals(0, main(train(interrupted, 3)).code());
        // As if the process had died after committing checkpoint 3: step 4 then preconditions with the restored
        // eigendecompositions of step 3's refresh, and step 5 refreshes them from the restored factor averages.
        Files.delete(interrupted.resolve("_SUCCESS"));
        MainTest.Outcome resumed = main(train(interrupted, 5));
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("resuming after step 3"), resumed.out());
        assertArrayEquals(RunLifecycleTest.params(straight), RunLifecycleTest.params(interrupted),
                "the resumed K-FAC run must equal the uninterrupted one bit for bit");
    }
}
