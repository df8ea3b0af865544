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
     * The rows whose Allowed cell bounds a value by another key's value, lists step counts or states a rule on another
     * key: prose that {@link dev.bigbatch.optimizer.config.AllowedCell} does not try (the intro of docs/CONFIG.md says
     * so); a shared row by its key, an optimizer's own row as {@code name: key}. Listed so that a row falling out of
     * the grammar fails here instead of going untried unnoticed. Rprop's schedule rows are tried by
     * {@link #rpropRejectsAScheduleAsDocumented()}.
     */
    private static final Set<String> UNTRIED = Set.of("optimizer.schedule.boundaries",
            "optimizer.schedule.min-learning-rate", "rprop: optimizer.max-step", "rprop: optimizer.min-step",
            "rprop: optimizer.schedule.name", "rprop: optimizer.schedule.warmup-steps",
            "neumann: optimizer.momentum-max");
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
