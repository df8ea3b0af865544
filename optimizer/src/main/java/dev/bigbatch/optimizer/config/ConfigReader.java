package dev.bigbatch.optimizer.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueType;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads one section of a HOCON config, validating each value and remembering which keys were read, so that
 * {@link #finish()} can reject keys nobody reads (typos) by name, with the keys that are allowed.
 *
 * <p>Each config record reads its own section with one of these and writes each default once, as a named constant
 * passed here.
 *
 * <p>Every value read is also remembered under its full key with the value in effect, the default when the key is
 * absent ({@link #effectiveValues()}, shared by a reader and its {@link #child} sections): that is the config a job
 * actually ran with, whether a default was spelled out or not.
 *
 * <p>Likewise every key asked for is remembered under its full key ({@link #keysRead()}): reading an empty section
 * through a config record therefore lists the keys that record accepts, which is how docs/CONFIG.md is checked.
 */
public final class ConfigReader {
    private final Config config;
    private final String prefix;
    private final Set<String> read = new LinkedHashSet<>();
    private final SortedMap<String, Object> effective;
    private final SortedSet<String> keysRead;

    /**
     * @param config the section (may be empty)
     * @param prefix its path from the root, for messages, e.g. {@code "optimizer"}
     */
    public ConfigReader(Config config, String prefix) {
        this(config, prefix, new TreeMap<>(), new TreeSet<>());
    }

    private ConfigReader(Config config, String prefix, SortedMap<String, Object> effective,
                         SortedSet<String> keysRead) {
        this.config = config == null ? ConfigFactory.empty() : config;
        this.prefix = prefix;
        this.effective = effective;
        this.keysRead = keysRead;
    }

    /**
     * Full key → the value in effect (given or default) of every key read so far by this reader and its children,
     * sorted by key. Absent keys without a default ({@code null}) are left out.
     */
    public Map<String, Object> effectiveValues() {
        return Collections.unmodifiableSortedMap(effective);
    }

    /**
     * Full keys of every value read, or asked about with {@link #has}, so far by this reader and its children, sorted;
     * the names of {@link #child} sections are left out (their keys are listed). Present or not, with or without a
     * default: the keys the readers know, as far as they have run (a record may still reject one of them in some
     * combination, e.g. a key of another mode).
     */
    public SortedSet<String> keysRead() {
        return Collections.unmodifiableSortedSet(keysRead);
    }

    /** Marks {@code key} of this section as read, so {@link #finish()} accepts it. */
    private void note(String key) {
        read.add(key);
        keysRead.add(fullKey(key));
    }

    private <T> T effective(String key, T value) {
        if (value != null) {
            effective.put(fullKey(key), value);
        }
        return value;
    }

    /** The section at {@code path} of {@code root}, or an empty one. */
    public static ConfigReader section(Config root, String path) {
        Config c = root.hasPath(path) ? root.getConfig(path) : ConfigFactory.empty();
        return new ConfigReader(c, path);
    }

    public String fullKey(String key) {
        return prefix == null || prefix.isEmpty() ? key : prefix + "." + key;
    }

    public boolean has(String key) {
        note(key);
        return config.hasPath(key);
    }

    /** A sub-section; its keys are validated by whoever reads it, not by this reader. */
    public ConfigReader child(String key) {
        read.add(key);
        if (config.hasPath(key) && config.getValue(key).valueType() != ConfigValueType.OBJECT) {
            throw new ConfigError(fullKey(key), "must be a section { ... }, found " + describe(key));
        }
        Config c = config.hasPath(key) ? config.getConfig(key) : ConfigFactory.empty();
        return new ConfigReader(c, fullKey(key), effective, keysRead);
    }

    public String string(String key, String def) {
        note(key);
        if (!config.hasPath(key)) {
            return effective(key, def);
        }
        ConfigValueType t = config.getValue(key).valueType();
        if (t == ConfigValueType.OBJECT || t == ConfigValueType.LIST) {
            throw new ConfigError(fullKey(key), "must be a string, found " + describe(key));
        }
        return effective(key, config.getString(key));
    }

    /** A string that must be one of {@code allowed} (compared case-insensitively, returned in lower case). */
    public String oneOf(String key, String def, Collection<String> allowed) {
        String v = string(key, def);
        if (v == null) {
            return null;
        }
        String lower = v.toLowerCase(Locale.ROOT);
        if (!allowed.contains(lower)) {
            throw new ConfigError(fullKey(key), "'" + v + "' is not allowed; allowed values: " + String.join(", ", allowed));
        }
        return effective(key, lower);
    }

    public double decimal(String key, double def) {
        note(key);
        if (!config.hasPath(key)) {
            return effective(key, def);
        }
        try {
            double v = config.getDouble(key);
            if (!Double.isFinite(v)) {
                throw new ConfigError(fullKey(key), "must be a finite number, found " + v);
            }
            return effective(key, v);
        } catch (ConfigException.WrongType e) {
            throw new ConfigError(fullKey(key), "must be a number, found " + describe(key));
        }
    }

    /** A number in [min, max] (inclusive). */
    public double decimal(String key, double def, double min, double max) {
        double v = decimal(key, def);
        if (v < min || v > max) {
            throw new ConfigError(fullKey(key), "must be in [" + min + ", " + max + "], found " + v);
        }
        return v;
    }

    /** A number in (0, max]. */
    public double positive(String key, double def, double max) {
        double v = decimal(key, def);
        if (!(v > 0) || v > max) {
            throw new ConfigError(fullKey(key), "must be in (0, " + max + "], found " + v);
        }
        return v;
    }

    public long integer(String key, long def, long min, long max) {
        note(key);
        if (!config.hasPath(key)) {
            return effective(key, def);
        }
        long v;
        try {
            v = config.getLong(key);
        } catch (ConfigException.WrongType e) {
            throw new ConfigError(fullKey(key), "must be a whole number, found " + describe(key));
        }
        if (config.getValue(key).unwrapped() instanceof Double d && d != Math.rint(d)) {
            throw new ConfigError(fullKey(key), "must be a whole number, found " + d);
        }
        if (v < min || v > max) {
            throw new ConfigError(fullKey(key), "must be in [" + min + ", " + max + "], found " + v);
        }
        return effective(key, v);
    }

    public int integer(String key, int def, int min, int max) {
        return (int) integer(key, (long) def, (long) min, (long) max);
    }

    public boolean bool(String key, boolean def) {
        note(key);
        if (!config.hasPath(key)) {
            return effective(key, def);
        }
        try {
            return effective(key, config.getBoolean(key));
        } catch (ConfigException.WrongType e) {
            throw new ConfigError(fullKey(key), "must be true or false, found " + describe(key));
        }
    }

    public List<Long> longList(String key, List<Long> def) {
        note(key);
        if (!config.hasPath(key)) {
            return effective(key, def);
        }
        try {
            List<Long> values = new ArrayList<>(config.getLongList(key));
            // Typesafe Config truncates a fraction to a long, as for a single value (see integer).
            if (config.getList(key).unwrapped().stream().anyMatch(v -> v instanceof Double d && d != Math.rint(d))) {
                throw new ConfigError(fullKey(key), "must be a list of whole numbers, found " + describe(key));
            }
            return effective(key, values);
        } catch (ConfigException.WrongType e) {
            throw new ConfigError(fullKey(key), "must be a list of whole numbers, found " + describe(key));
        }
    }

    public List<String> stringList(String key, List<String> def) {
        note(key);
        if (!config.hasPath(key)) {
            return effective(key, def);
        }
        try {
            return effective(key, new ArrayList<>(config.getStringList(key)));
        } catch (ConfigException.WrongType e) {
            throw new ConfigError(fullKey(key), "must be a list of strings, found " + describe(key));
        }
    }

    public List<Double> doubleList(String key, List<Double> def) {
        note(key);
        if (!config.hasPath(key)) {
            return effective(key, def);
        }
        try {
            return effective(key, new ArrayList<>(config.getDoubleList(key)));
        } catch (ConfigException.WrongType e) {
            throw new ConfigError(fullKey(key), "must be a list of numbers, found " + describe(key));
        }
    }

    /** Fails naming every key present in the section that no reader asked for, and the keys that are read. */
    public void finish() {
        Set<String> unknown = new TreeSet<>();
        for (var e : config.root().keySet()) {
            if (!read.contains(e)) {
                unknown.add(e);
            }
        }
        if (!unknown.isEmpty()) {
            String first = unknown.iterator().next();
            throw new ConfigError(fullKey(first), "unknown key" + (unknown.size() > 1 ? "s " + unknown : "")
                    + " in section '" + prefix + "'; known keys: " + String.join(", ", new TreeSet<>(read)));
        }
    }

    private String describe(String key) {
        var v = config.getValue(key);
        return v.valueType().name().toLowerCase(Locale.ROOT) + " " + v.render();
    }
}
