package dev.bigbatch.jobs.run;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.bigbatch.jobs.checkpoint.ConfigFingerprint;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The experiment configs in conf/paper parse, cite a source, use only the planned top-level sections, are
 * self-consistent (ghost batches divide the batch, schedule boundaries increase and fall inside the run), and are
 * distinguishable by their fingerprints, which a resume relies on.
 */
class ExperimentConfigsTest {
    static final Path DIR = Path.of("..", "conf", "paper");
    static final Set<String> SECTIONS = Set.of("data", "model", "train", "optimizer", "spark");
    static final Set<String> MODELS = Set.of("small-cnn", "resnet20", "resnet32", "resnet56", "resnet50");

    static List<Path> configs() throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
        }
    }

    /** conf/*.conf: the quickstart and the plain examples. */
    static List<Path> topLevelConfigs() throws IOException {
        try (Stream<Path> s = Files.list(DIR.getParent())) {
            return s.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
        }
    }

    @Test
    void everyConfigPassesTheJobsOwnValidation() throws IOException {
        List<Path> all = new java.util.ArrayList<>(configs());
        List<Path> top = topLevelConfigs();
        assertTrue(top.contains(Path.of("..", "conf", "quickstart.conf"))
                && top.contains(Path.of("..", "conf", "imagenet-resnet50.conf")), top.toString());
        all.addAll(top);
        List<String> errors = new java.util.ArrayList<>();
        for (Path f : all) {
            try {
                RunConfig c = RunConfig.from(ConfigFactory.parseFile(f.toFile()).resolve());
                ConfigFingerprint.of(c.effective()); // what a run of it would store in its checkpoints
            } catch (RuntimeException e) {
                errors.add(f.getFileName() + ": " + e.getMessage());
            }
        }
        assertTrue(errors.isEmpty(), String.join("\n", errors));
    }

    @Test
    void everyConfigIsCompleteAndConsistent() throws IOException {
        List<Path> files = configs();
        assertEquals(26, files.size(), "18 CIFAR, 4 Neumann and 4 K-FAC ImageNet configs");
        for (Path f : files) {
            String text = Files.readString(f);
            String name = f.getFileName().toString();
            assertTrue(text.startsWith("# ") && text.contains("# Source"), name + " cites no source");
            Config c = ConfigFactory.parseString(text).resolve();
            assertTrue(SECTIONS.containsAll(c.root().keySet()), name + " has sections " + c.root().keySet());
            assertTrue(MODELS.contains(c.getString("model.name")), name);
            assertTrue(name.contains(c.getString("model.name")), name + " names its model");
            assertTrue(name.contains(c.getString("optimizer.name")), name + " names its optimizer");
            assertEquals(name.startsWith("cifar100") ? 100 : name.startsWith("cifar10") ? 10 : 1000,
                    c.getInt("data.classes"), name + " says how many classes its dataset has");
            long batch = c.getLong("train.global-batch-size");
            assertEquals(0, batch % c.getLong("train.ghost-batch-size"), name);
            assertTrue(name.startsWith("cifar") || name.contains("-b" + batch + "."), name + " names its batch");
            long images = c.getString("data.path").contains("imagenet") ? 1_281_167 : 50_000;
            long steps = c.hasPath("train.steps") ? c.getLong("train.steps")
                    : (long) Math.ceil(c.getDouble("train.epochs") * images / batch);
            long warmup = c.hasPath("optimizer.schedule.warmup-steps")
                    ? c.getLong("optimizer.schedule.warmup-steps") : 0;
            if (c.hasPath("optimizer.schedule.boundaries")) {
                List<Long> b = c.getLongList("optimizer.schedule.boundaries");
                for (int i = 0; i < b.size(); i++) {
                    assertTrue(b.get(i) > (i == 0 ? 0 : b.get(i - 1)), name + " boundaries increase");
                }
                assertTrue(warmup + b.get(b.size() - 1) < steps, name + " last boundary inside the run");
            }
        }
    }

    @Test
    void heEtAlRecipeIsExact() {
        Config c = ConfigFactory.parseFile(DIR.resolve("cifar10-resnet56-momentum.conf").toFile()).resolve();
        assertEquals(0.1, c.getDouble("optimizer.learning-rate"));
        assertEquals(0.9, c.getDouble("optimizer.momentum"));
        assertEquals(1e-4, c.getDouble("optimizer.weight-decay"));
        assertEquals(List.of(32000L, 48000L), c.getLongList("optimizer.schedule.boundaries"));
        assertEquals(64000, c.getLong("train.steps"));
        assertEquals(128, c.getLong("train.global-batch-size"));
    }

    @Test
    void imagenetBaselineIsGoyalEtAlsRecipe() {
        Config c = ConfigFactory.parseFile(DIR.getParent().resolve("imagenet-resnet50.conf").toFile()).resolve();
        long batch = c.getLong("train.global-batch-size");
        assertEquals(0.1 * batch / 256, c.getDouble("optimizer.learning-rate"), 1e-12, "linear scaling rule");
        assertEquals(0.1, c.getDouble("optimizer.learning-rate")
                * c.getDouble("optimizer.schedule.warmup-start-factor"), 1e-12, "warm-up starts at 0.1");
        double stepsPerEpoch = 1_281_167.0 / batch;
        assertEquals(Math.round(5 * stepsPerEpoch), c.getLong("optimizer.schedule.warmup-steps"));
        List<Long> b = c.getLongList("optimizer.schedule.boundaries");
        int[] epochs = {30, 60, 80};
        for (int i = 0; i < epochs.length; i++) {
            assertEquals(Math.round((epochs[i] - 5) * stepsPerEpoch), b.get(i), "boundary at epoch " + epochs[i]);
        }
        assertEquals(batch / c.getLong("data.partitions"), c.getLong("train.ghost-batch-size"), "one ghost batch per GPU");
        assertTrue(c.getString("data.path").startsWith("hdfs://"));
    }

    @Test
    void fingerprintsTellExperimentsApart() throws IOException {
        Set<String> seen = new java.util.HashSet<>();
        for (Path f : configs()) {
            RunConfig c = RunConfig.from(ConfigFactory.parseFile(f.toFile()).resolve());
            assertTrue(seen.add(ConfigFingerprint.of(c.effective()).sha256()), f.toString());
        }
    }
}
