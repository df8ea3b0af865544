package dev.bigbatch.optimizer.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks rows of docs/CONFIG.md ({@link ConfigReference}) against the code that reads them: the keys it accepts, the
 * defaults in effect, and the bounds and choices it enforces ({@link AllowedCell}). The code is reached through a
 * {@link Reading}, which reads a config of given settings as a job would and returns its {@link ConfigReader}; every
 * read starts from fixed base settings (e.g. {@code optimizer.name = kfac}). Problems are collected, not thrown, so a
 * test reports them all at once.
 */
public final class ConfigReferenceCheck {
    private static final String NOT_A_VALUE = "no-such-value";

    /** Reads a config of {@code settings} (full key → value), throwing {@link ConfigError} as the job would. */
    @FunctionalInterface
    public interface Reading {
        ConfigReader read(Map<String, Object> settings);
    }

    private final String label;
    private final Map<String, Object> base;
    private final Reading reading;
    private final List<String> errors = new ArrayList<>();
    private final List<ConfigReference.Row> untried = new ArrayList<>();
    private int tried;

    /**
     * @param label   what is being checked, for messages (e.g. an optimizer's name)
     * @param base    settings every read starts from
     * @param reading the code under test
     */
    public ConfigReferenceCheck(String label, Map<String, Object> base, Reading reading) {
        this.label = label;
        this.base = Map.copyOf(base);
        this.reading = reading;
    }

    /** The problems found so far, one line each. */
    public List<String> errors() {
        return List.copyOf(errors);
    }

    /** The rows whose Allowed cell is prose naming another key or value in backticks, so was not tried. */
    public List<ConfigReference.Row> untried() {
        return List.copyOf(untried);
    }

    /** How many rows had their Allowed cell tried. */
    public int tried() {
        return tried;
    }

    /** Every key the code asks for when reading the base settings ({@link ConfigReader#keysRead()}). */
    public Set<String> keysAccepted() {
        return reading.read(base).keysRead();
    }

    /** The {@code rows} are exactly the {@code accepted} keys. */
    public ConfigReferenceCheck keys(Collection<ConfigReference.Row> rows, Set<String> accepted) {
        Set<String> documented = new TreeSet<>();
        rows.forEach(r -> documented.add(r.key()));
        Set<String> missing = new TreeSet<>(accepted);
        missing.removeAll(documented);
        Set<String> extra = new TreeSet<>(documented);
        extra.removeAll(accepted);
        if (!missing.isEmpty()) {
            errors.add(label + ": accepted but not in docs/CONFIG.md: " + missing);
        }
        if (!extra.isEmpty()) {
            errors.add(label + ": in docs/CONFIG.md but not accepted: " + extra);
        }
        return this;
    }

    /**
     * Each row's default is the value in effect when its key is absent, and each of its conditional defaults
     * ({@code ; 64 with `name = resnet50`}) the value in effect with those other keys set.
     */
    public ConfigReferenceCheck defaults(Collection<ConfigReference.Row> rows) {
        Map<String, Object> effective = reading.read(base).effectiveValues();
        for (ConfigReference.Row row : rows) {
            compareDefault(row, row.defaultValue(), effective.get(row.key()), "");
            for (ConfigReference.ConditionalDefault c : row.conditionalDefaults()) {
                Object value = reading.read(settings(c.when(), null, null)).effectiveValues().get(row.key());
                compareDefault(row, c.value(), value, " with " + c.when());
            }
        }
        return this;
    }

    private void compareDefault(ConfigReference.Row row, String documented, Object value, String condition) {
        if (!sameValue(documented, value)) {
            errors.add(label + ": " + row + " documents default '" + documented + "'" + condition + ", the reader uses "
                    + value);
        }
    }

    /** Numbers compare by value (0.001 is 1e-3), lists in Java's rendering ({@code [bias, norm]}), "" is empty. */
    private static boolean sameValue(String documented, Object value) {
        if (value instanceof Number n) {
            try {
                return Double.parseDouble(documented) == n.doubleValue();
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return (documented.equals("\"\"") ? "" : documented).equals(String.valueOf(value));
    }

    /**
     * Every interval's bounds, and the value just past each, are accepted or rejected as documented; a choice's
     * documented values are exactly those the reader lists when it rejects a value; a boolean takes {@code true} and
     * {@code false} and nothing else. A bound naming another key is that key's value in effect (with
     * {@code probeSettings}), and a value beyond it may be rejected under either key. {@code probeSettings}: full key →
     * other settings (full keys) its values are tried with, where another key restricts it; the caller says why.
     */
    public ConfigReferenceCheck allowed(Collection<ConfigReference.Row> rows,
                                        Map<String, Map<String, Object>> probeSettings) {
        for (ConfigReference.Row row : rows) {
            Map<String, Object> extra = probeSettings.getOrDefault(row.key(), Map.of());
            Map<String, Object> inEffect = reading.read(settings(extra, null, null)).effectiveValues();
            Object example = inEffect.get(row.key());
            List<String> choices = AllowedCell.names(row.allowed());
            List<AllowedCell.Probe> probes = AllowedCell.probes(row.allowed(), example,
                    key -> inEffect.get(row.qualify(key)) instanceof Number n ? n : null);
            if (example instanceof Boolean) {
                checkBoolean(row, choices, extra);
            } else if (choices != null) {
                checkChoices(row, choices, extra);
            } else if (probes != null) {
                probes.forEach(p -> checkProbe(row, p, extra));
            } else if (row.allowed().contains("`")) {
                untried.add(row);
                continue;
            } else {
                // Only a cell that names another key in words (a list rule, "at least one with `step`") may go
                // untried: a plain range the grammar does not parse is a typo in the document.
                errors.add(label + ": " + row + " allows '" + row.allowed() + "', which is neither an interval nor a "
                        + "choice (see AllowedCell) and names no other key");
                continue;
            }
            tried++;
        }
        return this;
    }

    private void checkProbe(ConfigReference.Row row, AllowedCell.Probe p, Map<String, Object> extra) {
        Map<String, Object> with = new LinkedHashMap<>(extra);
        p.with().forEach((k, v) -> with.put(row.qualify(k), v));
        ConfigError e = attempt(row, p.value(), with);
        String setting = label + ": " + row.key() + " = " + p.value() + (with.isEmpty() ? "" : " with " + with) + " ("
                + row + " allows " + row.allowed() + ")";
        if (p.accepted() && e != null) {
            errors.add(setting + " is rejected: " + e.getMessage());
        } else if (!p.accepted() && e == null) {
            errors.add(setting + " is accepted");
        } else if (e != null && !e.key().equals(row.key())
                && p.otherKeys().stream().map(row::qualify).noneMatch(e.key()::equals)) {
            errors.add(setting + " is rejected for another key: " + e.getMessage());
        }
    }

    private void checkChoices(ConfigReference.Row row, List<String> choices, Map<String, Object> extra) {
        Object bad = AllowedCell.isList(row.allowed()) ? List.of(NOT_A_VALUE) : NOT_A_VALUE;
        ConfigError e = attempt(row, bad, extra);
        String expected = "allowed values: " + String.join(", ", choices);
        if (e == null || !e.key().equals(row.key()) || !e.getMessage().endsWith(expected)) {
            errors.add(label + ": " + row + " documents '" + row.allowed() + "'; setting " + bad + " gave "
                    + (e == null ? "no error" : e.getMessage()));
        }
    }

    private void checkBoolean(ConfigReference.Row row, List<String> choices, Map<String, Object> extra) {
        if (!List.of("true", "false").equals(choices)) {
            errors.add(label + ": " + row + " is a boolean; its Allowed cell is `true`, `false`, not '"
                    + row.allowed() + "'");
        }
        checkProbe(row, new AllowedCell.Probe(true, true, Map.of()), extra);
        checkProbe(row, new AllowedCell.Probe(false, true, Map.of()), extra);
        checkProbe(row, new AllowedCell.Probe(NOT_A_VALUE, false, Map.of()), extra);
    }

    /** Reads the base settings with {@code with} and {@code row}'s key set to {@code value}; the error, or null. */
    private ConfigError attempt(ConfigReference.Row row, Object value, Map<String, Object> with) {
        try {
            reading.read(settings(with, row.key(), value));
            return null;
        } catch (ConfigError e) {
            return e;
        }
    }

    private Map<String, Object> settings(Map<String, Object> with, String key, Object value) {
        Map<String, Object> s = new LinkedHashMap<>(base);
        s.putAll(with);
        if (key != null) {
            s.put(key, value);
        }
        return s;
    }
}
