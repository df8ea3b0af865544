package dev.bigbatch.optimizer;

import com.typesafe.config.ConfigFactory;
import dev.bigbatch.optimizer.config.ConfigError;
import dev.bigbatch.optimizer.config.ConfigReader;
import dev.bigbatch.optimizer.config.ConfigReference;
import dev.bigbatch.optimizer.config.ConfigReferenceCheck;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/CONFIG.md, in its {@code optimizer} section, says what the code does. The keys each optimizer accepts come from
 * the code, not from a list here: each registered optimizer reads its section through the real {@link Optimizers}
 * registry and the {@link ConfigReader} reports every key it was asked for ({@link ConfigReader#keysRead()}); the
 * readers ask for all their keys whatever the values (a key of the other Neumann mode is asked for, then rejected if
 * present), so an empty section lists them all. A reader that asked for a key only under some condition would break
 * that: documented, such a key fails here as "not accepted"; undocumented, it would go unnoticed. The data, model,
 * train and spark sections are checked the same way in spark-jobs ({@code dev.bigbatch.jobs.run.ConfigReferenceTest}).
 */
class ConfigReferenceTest {
    /**
     * The rows whose Allowed cell states a rule in words that {@link dev.bigbatch.optimizer.config.AllowedCell} does
     * not try (a list of step counts, a value only allowed as another key's default), each tried by hand below; a
     * shared row by its key, an optimizer's own row as {@code name: key}. Listed so that a row falling out of the
     * grammar fails here instead of going untried unnoticed. Bounds naming another key ({@code [0, `learning-rate`]},
     * Rprop's {@code min-step} and {@code max-step}) and ranges that depend on a mode (Neumann's {@code momentum-max})
     * are in the grammar and tried with the rest.
     */
    private static final Set<String> UNTRIED = Set.of(
            "optimizer.schedule.boundaries", // scheduleBoundariesAreAsDocumented
            // rpropRejectsAScheduleAsDocumented:
            "rprop: optimizer.schedule.name", "rprop: optimizer.schedule.warmup-steps");
    private static ConfigReference doc;

    @BeforeAll
    static void readDocument() throws IOException {
        doc = ConfigReference.read();
    }

    /** Reads the {@code optimizer} section of a job config of {@code settings}, as the jobs do. */
    static ConfigReader read(Map<String, Object> settings) {
        ConfigReader r = ConfigReader.section(ConfigFactory.parseMap(settings), ConfigReference.OPTIMIZER);
        Optimizers.read(r);
        return r;
    }

    static ConfigReferenceCheck check(String name) {
        return new ConfigReferenceCheck(name, Map.of("optimizer.name", name), ConfigReferenceTest::read);
    }

    @Test
    void everyRegisteredOptimizerHasASectionInRegistryOrder() {
        assertEquals(Optimizers.names(), List.copyOf(doc.optimizers().keySet()));
    }

    @Test
    void documentedKeysAreExactlyTheKeysEachOptimizerAccepts() {
        List<String> errors = new ArrayList<>();
        for (String name : Optimizers.names()) {
            ConfigReferenceCheck c = check(name);
            errors.addAll(c.keys(doc.rowsFor(name).values(), c.keysAccepted()).errors());
        }
        assertTrue(errors.isEmpty(), String.join("\n", errors));
    }

    @Test
    void documentedDefaultsAreTheValuesInEffectWhenAKeyIsAbsent() {
        List<String> errors = new ArrayList<>();
        ConfigReference.Row nameRow = doc.shared().get("optimizer.name");
        errors.addAll(new ConfigReferenceCheck("no name", Map.of(), ConfigReferenceTest::read)
                .defaults(List.of(nameRow)).errors());
        for (String name : Optimizers.names()) {
            List<ConfigReference.Row> rows = new ArrayList<>(doc.rowsFor(name).values());
            rows.remove(nameRow);
            errors.addAll(check(name).defaults(rows).errors());
        }
        assertTrue(errors.isEmpty(), String.join("\n", errors));
    }

    /**
     * Every interval's bounds, and the value just past each, are accepted or rejected as documented, for every optimizer
     * that reads the key; a choice's documented values are exactly those the reader lists when it rejects a value.
     */
    @Test
    void documentedRangesAndChoicesAreWhatTheReadersEnforce() {
        List<String> errors = new ArrayList<>();
        Set<String> untried = new TreeSet<>();
        int tried = 0;
        for (String name : Optimizers.names()) {
            ConfigReferenceCheck c = check(name).allowed(doc.rowsFor(name).values(), Map.of());
            errors.addAll(c.errors());
            c.untried().forEach(r -> untried.add(doc.shared().get(r.key()) == r ? r.key() : name + ": " + r.key()));
            tried += c.tried();
        }
        assertTrue(errors.isEmpty(), String.join("\n", errors));
        assertTrue(tried > 0, "no row of docs/CONFIG.md was tried");
        assertEquals(new TreeSet<>(UNTRIED), untried, "rows whose Allowed cell is not tried");
    }

    /**
     * {@code optimizer.schedule.boundaries}: "increasing whole numbers ≥ 1; at least one with `step`", for every
     * optimizer but Rprop (which takes no schedule).
     */
    @Test
    void scheduleBoundariesAreAsDocumented() {
        List<String> errors = new ArrayList<>();
        for (String name : Optimizers.names()) {
            if (name.equals("rprop")) {
                continue;
            }
            for (List<?> ok : List.<List<?>>of(List.of(1), List.of(1, 2), List.of(5, 100, 4_000_000_000L))) {
                boundaries(errors, name, "step", ok, true);
            }
            for (List<?> bad : List.<List<?>>of(List.of(), List.of(0), List.of(-1), List.of(0, 5), List.of(2, 2),
                    List.of(3, 2), List.of(1, 2, 2), List.of(1.5), List.of(2, 2.5), List.of("x"))) {
                boundaries(errors, name, "step", bad, false);
            }
            // Only the step schedule needs one; the others read none, but a list given must still be well formed.
            boundaries(errors, name, "cosine", List.of(), true);
            boundaries(errors, name, "constant", List.of(3, 2), false);
        }
        ConfigError scalar = assertThrows(ConfigError.class, () -> read(Map.of("optimizer.schedule.name", "step",
                "optimizer.schedule.boundaries", 5)));
        assertEquals("optimizer.schedule.boundaries", scalar.key(), scalar.getMessage());
        assertTrue(errors.isEmpty(), String.join("\n", errors));
    }

    private static void boundaries(List<String> errors, String name, String schedule, List<?> value, boolean ok) {
        String setting = name + ": schedule " + schedule + ", boundaries = " + value;
        try {
            read(Map.of("optimizer.name", name, "optimizer.schedule.name", schedule, "optimizer.schedule.boundaries",
                    value));
            if (!ok) {
                errors.add(setting + " is accepted");
            }
        } catch (ConfigError e) {
            if (ok) {
                errors.add(setting + " is rejected: " + e.getMessage());
            } else if (!e.key().equals("optimizer.schedule.boundaries")) {
                errors.add(setting + " is rejected for another key: " + e.getMessage());
            }
        }
    }

    /**
     * A relation between two keys names the one that was set: Rprop's {@code max-step} below the default
     * {@code min-step} is a {@code max-step} error, {@code min-step} above the default {@code max-step} a
     * {@code min-step} one, and with both set the message names both.
     */
    @Test
    void rpropStepBoundsNameTheKeyThatWasSet() {
        ConfigError max = assertThrows(ConfigError.class,
                () -> read(Map.of("optimizer.name", "rprop", "optimizer.max-step", 1e-7)));
        assertEquals("optimizer.max-step", max.key());
        assertEquals("optimizer.max-step: must be at least optimizer.min-step (1.0E-6, the default), found 1.0E-7",
                max.getMessage());
        ConfigError min = assertThrows(ConfigError.class,
                () -> read(Map.of("optimizer.name", "rprop", "optimizer.min-step", 51)));
        assertEquals("optimizer.min-step: must be at most optimizer.max-step (50.0), found 51.0", min.getMessage());
        ConfigError both = assertThrows(ConfigError.class,
                () -> read(Map.of("optimizer.name", "rprop", "optimizer.min-step", 0.5, "optimizer.max-step", 0.25)));
        assertEquals("optimizer.min-step: must be at most optimizer.max-step (0.25), found 0.5", both.getMessage());
        read(Map.of("optimizer.name", "rprop", "optimizer.min-step", 0.5, "optimizer.max-step", 0.5));
    }

    /** Rprop's own schedule rows ("`constant` only", "0 only"): another name or a warm-up names optimizer.schedule. */
    @Test
    void rpropRejectsAScheduleAsDocumented() {
        for (Map<String, Object> s : List.<Map<String, Object>>of(Map.of("optimizer.schedule.name", "cosine"),
                Map.of("optimizer.schedule.warmup-steps", 1))) {
            Map<String, Object> settings = new HashMap<>(s);
            settings.put("optimizer.name", "rprop");
            ConfigError e = assertThrows(ConfigError.class, () -> read(settings), s.toString());
            assertEquals("optimizer.schedule", e.key(), e.getMessage());
        }
        read(Map.of("optimizer.name", "rprop", "optimizer.schedule.name", "constant",
                "optimizer.schedule.warmup-steps", 0));
    }
}
