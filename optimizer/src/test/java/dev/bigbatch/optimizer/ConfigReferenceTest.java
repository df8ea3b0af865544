package dev.bigbatch.optimizer;

import com.typesafe.config.ConfigFactory;
import dev.bigbatch.optimizer.config.ConfigError;
import dev.bigbatch.optimizer.config.ConfigReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/CONFIG.md, the reference of the {@code optimizer} keys, says what the code does. The keys each optimizer accepts
 * come from the code, not from a list here: each registered optimizer reads its section through the real
 * {@link Optimizers} registry and the {@link ConfigReader} reports every key it was asked for
 * ({@link ConfigReader#keysRead()}); the readers ask for all their keys whatever the values (a key of the other
 * Neumann mode is asked for, then rejected if present), so an empty section lists them all. A reader that asked for a
 * key only under some condition would break that: documented, such a key fails here as "not accepted"; undocumented, it
 * would go unnoticed.
 */
class ConfigReferenceTest {
    private static final String NOT_A_VALUE = "no-such-value";
    private static ConfigReference doc;

    @BeforeAll
    static void readDocument() throws IOException {
        doc = ConfigReference.read();
    }

    /** Reads {@code section} as the {@code optimizer} section of a job config, as the jobs do. */
    static ConfigReader read(Map<String, Object> section) {
        ConfigReader r = new ConfigReader(ConfigFactory.parseMap(section), "optimizer");
        Optimizers.read(r);
        return r;
    }

    static ConfigReader readDefaults(String name) {
        return read(Map.of("name", name));
    }

    @Test
    void everyRegisteredOptimizerHasASectionInRegistryOrder() {
        assertEquals(Optimizers.names(), List.copyOf(doc.optimizers().keySet()));
    }

    @Test
    void documentedKeysAreExactlyTheKeysEachOptimizerAccepts() {
        List<String> errors = new ArrayList<>();
        for (String name : Optimizers.names()) {
            Set<String> accepted = readDefaults(name).keysRead();
            Set<String> documented = doc.rowsFor(name).keySet();
            Set<String> missing = new TreeSet<>(accepted);
            missing.removeAll(documented);
            Set<String> extra = new TreeSet<>(documented);
            extra.removeAll(accepted);
            if (!missing.isEmpty()) {
                errors.add(name + ": accepted but not in docs/CONFIG.md: " + missing);
            }
            if (!extra.isEmpty()) {
                errors.add(name + ": in docs/CONFIG.md but not accepted: " + extra);
            }
        }
        assertTrue(errors.isEmpty(), String.join("\n", errors));
    }

    @Test
    void documentedDefaultsAreTheValuesInEffectWhenAKeyIsAbsent() {
        List<String> errors = new ArrayList<>();
        Map<String, Object> noName = read(Map.of()).effectiveValues();
        for (String name : Optimizers.names()) {
            Map<String, Object> effective = readDefaults(name).effectiveValues();
            for (ConfigReference.Row row : doc.rowsFor(name).values()) {
                Object value = (row.key().equals("optimizer.name") ? noName : effective).get(row.key());
                if (!sameValue(row.defaultValue(), value)) {
                    errors.add(name + ": " + row + " documents default '" + row.defaultValue() + "', the reader uses "
                            + value);
                }
            }
        }
        assertTrue(errors.isEmpty(), String.join("\n", errors));
    }

    /** Numbers compare by value (0.001 is 1e-3), lists in Java's rendering ({@code [bias, norm]}). */
    private static boolean sameValue(String documented, Object value) {
        if (value instanceof Number n) {
            try {
                return Double.parseDouble(documented) == n.doubleValue();
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return documented.equals(String.valueOf(value));
    }

    /**
     * Every interval's bounds, and the value just past each, are accepted or rejected as documented, for every optimizer
     * that reads the key; a choice's documented values are exactly those the reader lists when it rejects a value.
     */
    @Test
    void documentedRangesAndChoicesAreWhatTheReadersEnforce() {
        List<String> errors = new ArrayList<>();
        int tried = 0;
        for (String name : Optimizers.names()) {
            Map<String, Object> defaults = readDefaults(name).effectiveValues();
            for (ConfigReference.Row row : doc.rowsFor(name).values()) {
                List<String> choices = AllowedCell.names(row.allowed());
                List<AllowedCell.Probe> bounds = AllowedCell.bounds(row.allowed(), defaults.get(row.key()));
                if (choices != null) {
                    checkChoices(name, row, choices, errors);
                    tried++;
                } else if (bounds != null) {
                    bounds.forEach(p -> checkProbe(name, row, p, errors));
                    tried++;
                } else if (!row.allowed().contains("`")) {
                    // Only a cell that names another key (a bound like [0, `learning-rate`], a condition) may go
                    // untried: a plain range the grammar does not parse is a typo in the document.
                    errors.add(name + ": " + row + " allows '" + row.allowed() + "', which is neither an interval "
                            + "nor a choice (see AllowedCell) and names no other key");
                }
            }
        }
        assertTrue(errors.isEmpty(), String.join("\n", errors));
        assertTrue(tried > 0, "no row of docs/CONFIG.md was tried");
    }

    private static void checkProbe(String name, ConfigReference.Row row, AllowedCell.Probe p, List<String> errors) {
        ConfigError e = attempt(name, row, p.value());
        String setting = name + ": " + row.key() + " = " + p.value() + " (" + row + " allows " + row.allowed() + ")";
        if (p.accepted() && e != null) {
            errors.add(setting + " is rejected: " + e.getMessage());
        } else if (!p.accepted() && e == null) {
            errors.add(setting + " is accepted");
        } else if (e != null && !e.key().equals(row.key())) {
            errors.add(setting + " is rejected for another key: " + e.getMessage());
        }
    }

    private static void checkChoices(String name, ConfigReference.Row row, List<String> choices, List<String> errors) {
        Object bad = AllowedCell.isList(row.allowed()) ? List.of(NOT_A_VALUE) : NOT_A_VALUE;
        ConfigError e = attempt(name, row, bad);
        String expected = "allowed values: " + String.join(", ", choices);
        if (e == null || !e.key().equals(row.key()) || !e.getMessage().endsWith(expected)) {
            errors.add(name + ": " + row + " documents '" + row.allowed() + "'; setting " + bad + " gave "
                    + (e == null ? "no error" : e.getMessage()));
        }
    }

    /** Reads optimizer {@code name} with {@code row}'s key set to {@code value}; the error, or null if accepted. */
    private static ConfigError attempt(String name, ConfigReference.Row row, Object value) {
        Map<String, Object> section = new LinkedHashMap<>();
        section.put("name", name);
        section.putAll(AllowedCell.context(row.allowed()));
        section.put(row.relativeKey(), value);
        try {
            read(section);
            return null;
        } catch (ConfigError e) {
            return e;
        }
    }
}
