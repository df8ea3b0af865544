package dev.bigbatch.jobs.checkpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What a checkpoint remembers of the config it was trained with: every leaf key of the resolved config with a
 * canonical rendering of its value, minus the keys that may legitimately change when a run is resumed.
 *
 * <p>Keys that may change on resume ({@link #MAY_CHANGE_ON_RESUME}; a key matches if it equals an entry or lies under
 * it): how long to train ({@code train.steps}, {@code train.epochs} — note that a schedule defined relative to the
 * total length then changes from the resumed step on), how often to log, evaluate and checkpoint and how many
 * checkpoints to keep, what evaluations add ({@code train.eval-train-sample}, {@code train.batch-norm-recalibration}:
 * neither changes the trained weights), the whole {@code spark} section (a run may resume on another cluster), and
 * {@code data.partitions} and {@code data.decode-threads} (results depend on neither; the distributed loop is tested
 * for that), and {@code data.classes} (a check of the dataset when training starts, which changes nothing trained).
 * Everything else — model, optimizer, schedule, batch sizes, seed, data path — changes what is being trained, so a
 * difference refuses the resume.
 *
 * <p>Canonical rendering: values are JSON; numbers are normalised through {@link BigDecimal} so {@code 0.1},
 * {@code 1e-1} and {@code 0.10} agree and {@code 128} equals {@code 128.0}; a string that reads as a number is
 * treated as that number (HOCON lets {@code "128"} and {@code 128} be used interchangeably); lists keep order;
 * objects inside lists are rendered with sorted keys. The {@link #canonical()} text is {@code key=value} lines in key
 * order, and {@link #sha256()} is its digest.
 *
 * <p>Build it from the job's config with its defaults filled in ({@code RunConfig.effective()}), so that spelling out
 * a default is not a change while a changed default is; not from {@code ConfigFactory.load()}, which would mix in JVM
 * system properties.
 */
public final class ConfigFingerprint {
    /** Keys (or sections) that may differ between a checkpoint's config and the config that resumes from it. */
    public static final Set<String> MAY_CHANGE_ON_RESUME = Collections.unmodifiableSet(new TreeSet<>(List.of(
            "train.steps", "train.epochs", "train.eval-every", "train.eval-train-sample",
            "train.batch-norm-recalibration", "train.log-every", "train.checkpoint-every", "train.keep-checkpoints",
            "spark", "data.partitions", "data.decode-threads", "data.classes")));
    /** How an absent key is shown in a mismatch message. */
    public static final String ABSENT = "(absent)";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SortedMap<String, String> entries;

    private ConfigFingerprint(SortedMap<String, String> entries) {
        this.entries = Collections.unmodifiableSortedMap(entries);
    }

    /** The fingerprint of {@code config}, leaving out {@link #MAY_CHANGE_ON_RESUME}. */
    public static ConfigFingerprint of(Config config) {
        return of(config, MAY_CHANGE_ON_RESUME);
    }

    /** The fingerprint of {@code config}, leaving out the keys in or under {@code mayChange}. */
    public static ConfigFingerprint of(Config config, Set<String> mayChange) {
        SortedMap<String, String> out = new TreeMap<>();
        for (Map.Entry<String, ConfigValue> e : config.resolve().entrySet()) {
            if (!excluded(e.getKey(), mayChange)) {
                out.put(e.getKey(), render(e.getValue()));
            }
        }
        return new ConfigFingerprint(out);
    }

    /** A fingerprint read back from a checkpoint: already canonical {@code key → value} entries. */
    public static ConfigFingerprint fromEntries(Map<String, String> entries) {
        return new ConfigFingerprint(new TreeMap<>(entries));
    }

    private static boolean excluded(String key, Set<String> mayChange) {
        for (String prefix : mayChange) {
            if (key.equals(prefix) || key.startsWith(prefix + ".")) {
                return true;
            }
        }
        return false;
    }

    /** Key → canonical value, sorted by key. */
    public SortedMap<String, String> entries() {
        return entries;
    }

    /** {@code key=value} lines, sorted by key, each ending in a newline. */
    public String canonical() {
        StringBuilder sb = new StringBuilder();
        entries.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return sb.toString();
    }

    /** SHA-256 of {@link #canonical()} in lower-case hex. */
    public String sha256() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(canonical().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** One key whose value differs; {@link #ABSENT} stands for a missing side. */
    public record KeyChange(String key, String before, String after) {
        @Override
        public String toString() {
            return key + ": " + before + " -> " + after;
        }
    }

    /** The keys whose value differs from this (the checkpoint's) fingerprint to {@code current}, sorted by key. */
    public List<KeyChange> changesTo(ConfigFingerprint current) {
        Set<String> keys = new TreeSet<>(entries.keySet());
        keys.addAll(current.entries.keySet());
        List<KeyChange> out = new ArrayList<>();
        for (String k : keys) {
            String before = entries.getOrDefault(k, ABSENT);
            String after = current.entries.getOrDefault(k, ABSENT);
            if (!before.equals(after)) {
                out.add(new KeyChange(k, before, after));
            }
        }
        return out;
    }

    /**
     * Throws if {@code current} differs from this fingerprint.
     *
     * @param checkpoint names the checkpoint in the message
     * @throws ConfigMismatchException listing every differing key as {@code key: old -> new}
     */
    public void requireSame(ConfigFingerprint current, String checkpoint) {
        List<KeyChange> changes = changesTo(current);
        if (!changes.isEmpty()) {
            throw new ConfigMismatchException(checkpoint, changes);
        }
    }

    static String render(ConfigValue v) {
        return switch (v.valueType()) {
            case NUMBER -> number(String.valueOf(v.unwrapped()));
            case STRING -> {
                String s = (String) v.unwrapped();
                String n = asNumber(s);
                yield n != null ? n : quote(s);
            }
            case BOOLEAN -> String.valueOf(v.unwrapped());
            case NULL -> "null";
            case LIST -> ((ConfigList) v).stream().map(ConfigFingerprint::render)
                    .collect(Collectors.joining(",", "[", "]"));
            case OBJECT -> new TreeMap<>((ConfigObject) v).entrySet().stream()
                    .map(e -> quote(e.getKey()) + ":" + render(e.getValue()))
                    .collect(Collectors.joining(",", "{", "}"));
        };
    }

    private static String asNumber(String s) {
        String t = s.trim();
        if (t.isEmpty() || !(Character.isDigit(t.charAt(t.length() - 1)) || t.endsWith("."))) {
            return null;
        }
        try {
            return number(t);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String number(String text) {
        BigDecimal d = new BigDecimal(text).stripTrailingZeros();
        return d.signum() == 0 ? "0" : d.toPlainString();
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfigFingerprint f && entries.equals(f.entries);
    }

    @Override
    public int hashCode() {
        return Objects.hash(entries);
    }

    @Override
    public String toString() {
        return "ConfigFingerprint[" + entries.size() + " keys, sha256=" + sha256() + "]";
    }
}
