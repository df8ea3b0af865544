package dev.bigbatch.jobs.run;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.bigbatch.jobs.checkpoint.ConfigFingerprint;
import dev.bigbatch.optimizer.config.ConfigError;
import dev.bigbatch.optimizer.config.ConfigReader;
import dev.bigbatch.optimizer.config.ConfigReference;
import dev.bigbatch.optimizer.config.ConfigReferenceCheck;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/CONFIG.md, in its {@code data}, {@code model}, {@code train} and {@code spark} sections, says what
 * {@link RunConfig} does, and the README's configuration table agrees with it. As for the {@code optimizer} section
 * ({@code dev.bigbatch.optimizer.ConfigReferenceTest}, whose parser and checker this shares through the optimizer
 * module's test-jar), the keys come from the code: reading an empty config, {@link ConfigReader#keysRead()} lists every
 * key the section readers ask for, and they ask for all of them whatever the values.
 */
class ConfigReferenceTest {
    /** A prepared dataset's URI: nothing is read from it while the config is. */
    private static final String PREPARED = "file:///prepared/dataset";
    /**
     * Other settings the values of a key are tried with, where another key narrows what the reader takes, each
     * documented in the row's Meaning and checked by its own test below. Without them the probes would be rejected
     * for the other key, and the test would fail rather than skip.
     */
    static final Map<String, Map<String, Object>> PROBE_SETTINGS = Map.of(
            // Every accepted ghost-batch-size tried (1 and 65536) divides a global batch of 65536; the multiple rule
            // itself is tried on train.global-batch-size's row ("a multiple of `ghost-batch-size`"). A prepared
            // dataset, whose size is only checked when training starts: the generated one's is known
            // (generatedSplitMustHoldAGlobalBatch).
            "train.ghost-batch-size", Map.of("train.global-batch-size", 65536, "data.path", PREPARED),
            "train.global-batch-size", Map.of("data.path", PREPARED),
            "data.synthetic.train", Map.of("train.global-batch-size", 1, "train.ghost-batch-size", 1),
            // The generated dataset is CIFAR-format, fed at its 32x32 (generatedImagesAreFedAtTheirSize).
            "data.image-size", Map.of("data.path", PREPARED),
            // Its classes are data.synthetic.classes (DataSettingsTest.generatedDatasetHasItsSyntheticClasses).
            "data.classes", Map.of("data.path", PREPARED),
            // epochs = 0 is allowed only with steps > 0 (epochsAndStepsBothZeroIsRejected).
            "train.epochs", Map.of("train.steps", 1));
    private static final String RESUMABLE = "May change on resume.";
    private static final Path README = Path.of("..", "README.md");
    private static final Pattern OVERVIEW_ROW = Pattern.compile("^\\| `([a-z0-9.-]+)` \\|(.*)\\|$");
    private static ConfigReference doc;
    private static List<ConfigReference.Row> runRows;

    @BeforeAll
    static void readDocument() throws IOException {
        doc = ConfigReference.read();
        runRows = new ArrayList<>();
        doc.sections().forEach((section, rows) -> {
            if (!section.equals(ConfigReference.OPTIMIZER)) {
                runRows.addAll(rows.values());
            }
        });
    }

    /** Reads a whole run config of {@code settings}, as {@code train} does. */
    static ConfigReader read(Map<String, Object> settings) {
        Config root = ConfigFactory.parseMap(settings);
        ConfigReader r = new ConfigReader(root, "");
        RunConfig.from(root, r);
        return r;
    }

    static ConfigReferenceCheck check() {
        return new ConfigReferenceCheck("run config", Map.of(), ConfigReferenceTest::read);
    }

    @Test
    void documentedSectionsAreTheSectionsARunConfigReads() {
        Set<String> read = check().keysAccepted().stream().map(k -> k.substring(0, k.indexOf('.')))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(read, new TreeSet<>(doc.sections().keySet()));
        assertEquals(new TreeSet<>(ExperimentConfigsTest.SECTIONS), read);
    }

    @Test
    void documentedKeysAreExactlyTheKeysARunConfigAccepts() {
        ConfigReferenceCheck c = check();
        Set<String> accepted = c.keysAccepted();
        Set<String> run = accepted.stream().filter(k -> !k.startsWith(ConfigReference.OPTIMIZER + "."))
                .collect(Collectors.toSet());
        c.keys(runRows, run);
        // The optimizer section as RunConfig reads it: the default optimizer's keys, as documented.
        Set<String> optimizer = new TreeSet<>(accepted);
        optimizer.removeAll(run);
        String defaultOptimizer = doc.shared().get("optimizer.name").defaultValue();
        c.keys(doc.rowsFor(defaultOptimizer).values(), optimizer);
        assertTrue(c.errors().isEmpty(), String.join("\n", c.errors()));
    }

    @Test
    void documentedDefaultsAreTheValuesInEffectWhenAKeyIsAbsent() {
        List<String> errors = check().defaults(runRows).errors();
        assertTrue(errors.isEmpty(), String.join("\n", errors));
        assertTrue(runRows.stream().anyMatch(r -> !r.conditionalDefaults().isEmpty()),
                "model.width's default depends on model.name; the document should say so");
    }

    /** Every Allowed cell of these sections is tried: none is prose. */
    @Test
    void documentedRangesAndChoicesAreWhatTheReadersEnforce() {
        ConfigReferenceCheck c = check().allowed(runRows, PROBE_SETTINGS);
        assertTrue(c.errors().isEmpty(), String.join("\n", c.errors()));
        assertEquals(List.of(), c.untried(), "rows whose Allowed cell is not tried");
        assertEquals(runRows.size(), c.tried());
        Set<String> documented = runRows.stream().map(ConfigReference.Row::key).collect(Collectors.toSet());
        assertTrue(documented.containsAll(PROBE_SETTINGS.keySet()), "PROBE_SETTINGS names an undocumented key");
    }

    @Test
    void epochsAndStepsBothZeroIsRejected() {
        ConfigError e = assertThrows(ConfigError.class,
                () -> read(Map.of("train.steps", 0, "train.epochs", 0)));
        assertEquals("train.steps", e.key());
        read(Map.of("train.steps", 0, "train.epochs", 1));
    }

    /**
     * "At most the training split's size": for the generated dataset that is {@code data.synthetic.train}, checked
     * with the config and named after the key that was set; for a prepared one, when training starts
     * ({@code MainTest.trainStartChecksAreConfigErrorsNamingKeyAndValues}).
     */
    @Test
    void generatedSplitMustHoldAGlobalBatch() {
        ConfigError batch = assertThrows(ConfigError.class, () -> read(Map.of("train.global-batch-size", 10016)));
        assertEquals("train.global-batch-size: 10016 is larger than the generated training split, "
                + "data.synthetic.train (10000); a step takes that many distinct examples: lower "
                + "train.global-batch-size or raise data.synthetic.train", batch.getMessage());
        ConfigError split = assertThrows(ConfigError.class, () -> read(Map.of("data.synthetic.train", 511)));
        assertEquals("data.synthetic.train", split.key());
        assertTrue(split.getMessage().startsWith("data.synthetic.train: 511 is smaller than train.global-batch-size "
                + "(512, the default); "), split.getMessage());
        ConfigError both = assertThrows(ConfigError.class,
                () -> read(Map.of("data.synthetic.train", 100, "train.global-batch-size", 128)));
        assertEquals("train.global-batch-size", both.key());
        read(Map.of("data.synthetic.train", 512));
        read(Map.of("data.synthetic.train", 100, "data.path", PREPARED));
    }

    /** The generated dataset stores 32x32 CIFAR-format images, fed as stored: any other data.image-size is refused. */
    @Test
    void generatedImagesAreFedAtTheirSize() {
        ConfigError e = assertThrows(ConfigError.class, () -> read(Map.of("data.image-size", 64)));
        assertEquals("data.image-size", e.key());
        assertTrue(e.getMessage().contains("32x32") && e.getMessage().contains("found 64"), e.getMessage());
        read(Map.of("data.image-size", 32));
        read(Map.of("data.image-size", 64, "data.path", PREPARED));
    }

    /** The rows marked "May change on resume." are exactly the keys the checkpoint's fingerprint leaves out. */
    @Test
    void resumeMarksAreTheKeysTheFingerprintLeavesOut() {
        List<String> errors = new ArrayList<>();
        Set<String> covered = new TreeSet<>();
        for (ConfigReference.Row row : doc.allRows()) {
            List<String> exempt = ConfigFingerprint.MAY_CHANGE_ON_RESUME.stream()
                    .filter(e -> row.key().equals(e) || row.key().startsWith(e + ".")).toList();
            covered.addAll(exempt);
            if (row.meaning().endsWith(RESUMABLE) != !exempt.isEmpty()) {
                errors.add(row + (exempt.isEmpty() ? " says '" + RESUMABLE + "', but a resume refuses a change"
                        : " may change on resume (" + exempt + "), but its meaning does not end in '" + RESUMABLE
                        + "'"));
            }
        }
        assertTrue(errors.isEmpty(), String.join("\n", errors));
        assertEquals(ConfigFingerprint.MAY_CHANGE_ON_RESUME, covered, "keys exempt from the fingerprint, documented");
    }

    /**
     * The README's configuration table is an overview: one key per row, each documented here with the same Default
     * cell, and the section points to docs/CONFIG.md.
     */
    @Test
    void readmeOverviewNamesDocumentedKeysWithTheirDefaults() throws IOException {
        List<String> lines = Files.readAllLines(README);
        int start = lines.indexOf("## Configuration");
        assertTrue(start >= 0, "README.md has no '## Configuration' section");
        List<String> errors = new ArrayList<>();
        int rows = 0;
        boolean pointsToReference = false;
        for (int i = start + 1; i < lines.size() && !lines.get(i).startsWith("## "); i++) {
            String line = lines.get(i);
            pointsToReference |= line.contains("(docs/CONFIG.md)");
            if (!line.startsWith("| `")) {
                continue;
            }
            Matcher m = OVERVIEW_ROW.matcher(line);
            String[] cells = m.matches() ? m.group(2).split("\\|", -1) : new String[0];
            if (cells.length != 2) {
                errors.add("README.md:" + (i + 1) + ": not a row of one key, its default and its meaning: " + line);
                continue;
            }
            rows++;
            String key = m.group(1);
            String readmeDefault = cells[0].strip();
            doc.row(key).ifPresentOrElse(r -> {
                if (!r.defaultCell().equals(readmeDefault)) {
                    errors.add("README.md: " + key + " has default '" + readmeDefault + "', " + r + " '"
                            + r.defaultCell() + "'");
                }
            }, () -> errors.add("README.md: " + key + " is not a key of docs/CONFIG.md (of a section's own table)"));
        }
        assertTrue(errors.isEmpty(), String.join("\n", errors));
        assertTrue(rows > 0, "no key rows in README.md's configuration table");
        assertTrue(pointsToReference, "README.md's configuration section should link docs/CONFIG.md");
    }
}
