package dev.bigbatch.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What a main-method bench accepts on its command line: {@code key=value} options, each with its default and one line
 * saying what it is; keys under a prefix such as {@code rates.}; and, where a bench takes them, bare arguments, either
 * positional values that fill named keys in order ({@code OptimizerStepBench 1000000 1 1}) or words from a fixed set
 * ({@code ImagePipelineBench decode}). {@link #usage()} is rendered from the declaration, so the help a user reads
 * lists exactly the keys the bench reads, with the defaults it uses:
 * <pre>
 *   BenchOptions.declare("KfacFactorCostBench", "The K-FAC factor statistic against one gradient pass")
 *           .key("model", "resnet20", "CIFAR model")
 *           .key("rounds", 7, "timed rounds after 2 warm-up rounds");
 * </pre>
 * A default is written once, here, as the text a user would type; the getters of {@link BenchOptions} parse it like a
 * given value. Declaring a key twice, or mixing positional values with words, is a programming error
 * ({@link IllegalStateException}).
 */
public final class BenchDeclaration {
    /** Keys and their defaults are padded to this width in the usage, when they fit. */
    private static final int KEY_COLUMN = 24;
    /** Help text wraps to lines of at most this many characters (unless one word is longer). */
    private static final int WIDTH = 100;

    private final String bench;
    private final String summary;
    private final Map<String, Option> keys = new LinkedHashMap<>();
    private final Map<String, Option> prefixes = new LinkedHashMap<>();
    private final List<String> positional = new ArrayList<>();
    private final Map<String, String> words = new LinkedHashMap<>();

    /**
     * One declared option.
     *
     * @param shown        how the usage shows it: {@code key=default}, or for a prefix e.g. {@code rates.NAME=r1,...}
     * @param defaultValue the default as typed on the command line; none for a prefix
     * @param help         one line: what the option is
     */
    private record Option(String shown, String defaultValue, String help) {
        /** The key as error messages list it: {@code key}, or e.g. {@code rates.NAME}. */
        String key() {
            int eq = shown.indexOf('=');
            return eq < 0 ? shown : shown.substring(0, eq);
        }
    }

    BenchDeclaration(String bench, String summary) {
        this.bench = Objects.requireNonNull(bench);
        this.summary = Objects.requireNonNull(summary);
    }

    /** A {@code key=value} option with its default ({@link String#valueOf}, e.g. {@code 7} or {@code "resnet20"}). */
    public BenchDeclaration key(String name, Object defaultValue, String help) {
        if (keys.containsKey(name) || prefixes.keySet().stream().anyMatch(name::startsWith)) {
            throw new IllegalStateException(bench + " declares the option " + name + " twice");
        }
        String text = String.valueOf(Objects.requireNonNull(defaultValue));
        keys.put(name, new Option(name + "=" + text, text, help));
        return this;
    }

    /** A key that the next bare argument fills, in the order declared; it can also be given as {@code key=value}. */
    public BenchDeclaration positional(String name, Object defaultValue, String help) {
        if (!words.isEmpty()) {
            throw new IllegalStateException("a bench takes either positional values or words");
        }
        key(name, defaultValue, help);
        positional.add(name);
        return this;
    }

    /**
     * Accepts every key that starts with {@code prefix}, e.g. {@code rates.} for {@code rates.adam=...}; such keys
     * have no default. {@code shape} is what the usage shows after the prefix, e.g. {@code NAME=r1,r2,...}.
     */
    public BenchDeclaration prefix(String prefix, String shape, String help) {
        if (prefixes.containsKey(prefix) || keys.keySet().stream().anyMatch(k -> k.startsWith(prefix))) {
            throw new IllegalStateException(bench + " declares keys under " + prefix + " twice");
        }
        prefixes.put(prefix, new Option(prefix + shape, null, help));
        return this;
    }

    /** A bare argument from a fixed set, each at most once (see {@link BenchOptions#words()}). */
    public BenchDeclaration word(String word, String help) {
        if (!positional.isEmpty()) {
            throw new IllegalStateException("a bench takes either positional values or words");
        }
        words.put(word, help);
        return this;
    }

    /** Checks and collects {@code args}; throws {@link BenchOptionError} on the first bad one. */
    public BenchOptions parse(String... args) {
        Map<String, String> values = new LinkedHashMap<>();
        Set<String> given = new LinkedHashSet<>();
        int bare = 0;
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq >= 0) {
                put(values, a.substring(0, eq), a.substring(eq + 1), a);
            } else if (bare < positional.size()) {
                put(values, positional.get(bare++), a, a);
            } else if (words.containsKey(a) && given.add(a)) {
                continue;
            } else if (words.containsKey(a)) {
                throw error("argument " + a + " given twice");
            } else {
                throw error("unexpected argument " + a + "; " + bareArguments());
            }
        }
        return new BenchOptions(this, values, Collections.unmodifiableSet(given));
    }

    private void put(Map<String, String> values, String key, String value, String arg) {
        if (!accepts(key)) {
            throw error("unknown option " + arg + "; known keys: " + known());
        }
        String before = values.putIfAbsent(key, value);
        if (before != null) {
            throw error(key + " given twice (" + key + "=" + before + ", then " + arg + ")");
        }
    }

    /** What bare arguments this bench takes, for the error about one it does not. */
    private String bareArguments() {
        if (!positional.isEmpty()) {
            return "at most " + positional.size() + " bare arguments, filling " + String.join(", ", positional);
        }
        if (!words.isEmpty()) {
            return "bare arguments: any of " + String.join(", ", words.keySet());
        }
        return "options are key=value, known keys: " + known();
    }

    private String known() {
        List<String> known = new ArrayList<>(keys.keySet());
        prefixes.values().forEach(p -> known.add(p.key()));
        return known.isEmpty() ? "none" : String.join(", ", known);
    }

    /** The bench's name, as error messages and the usage show it. */
    public String bench() {
        return bench;
    }

    boolean accepts(String key) {
        return keys.containsKey(key) || isPrefixed(key);
    }

    private boolean isPrefixed(String key) {
        return prefixes.keySet().stream().anyMatch(p -> key.startsWith(p) && key.length() > p.length());
    }

    boolean declaresPrefix(String prefix) {
        return prefixes.containsKey(prefix);
    }

    /** The declared default of a key that is not under a prefix. */
    String defaultValue(String key) {
        Option o = keys.get(key);
        if (o == null) {
            throw new IllegalStateException(bench + ": " + key + " has no default; ask only for prefixed keys given");
        }
        return o.defaultValue();
    }

    /** The keys declared with {@link #key} or {@link #positional}, in the order declared. */
    public Set<String> keys() {
        return Collections.unmodifiableSet(keys.keySet());
    }

    /** The words declared with {@link #word}, in the order declared. */
    public Set<String> words() {
        return Collections.unmodifiableSet(words.keySet());
    }

    BenchOptionError error(String problem) {
        return new BenchOptionError(bench + ": " + problem);
    }

    /**
     * The help text, one line per option, e.g.
     * <pre>
     * usage: KfacFactorCostBench [key=value]...
     * The K-FAC factor statistic against one gradient pass
     * options (shown with their defaults):
     *   model=resnet20          CIFAR model
     *   rounds=7                timed rounds after 2 warm-up rounds
     * </pre>
     */
    public String usage() {
        StringBuilder s = new StringBuilder("usage: ").append(bench);
        if (!positional.isEmpty()) {
            s.append(" [").append(String.join(" [", positional)).append("]".repeat(positional.size()));
        }
        words.keySet().forEach(w -> s.append(" [").append(w).append(']'));
        if (!keys.isEmpty() || !prefixes.isEmpty()) {
            s.append(" [key=value]...");
        }
        s.append('\n');
        wrapped(s, summary, 0, 0);
        if (!words.isEmpty()) {
            s.append("bare arguments, any of:\n");
            words.forEach((w, help) -> line(s, w, help));
        }
        if (!keys.isEmpty() || !prefixes.isEmpty()) {
            s.append("options (shown with their defaults")
                    .append(positional.isEmpty() ? "" : positional.size() == 1 ? "; a bare argument fills "
                            + positional.get(0) : "; bare arguments fill " + String.join(", ", positional)
                            + " in this order")
                    .append("):\n");
            keys.values().forEach(o -> line(s, o.shown(), o.help()));
            prefixes.values().forEach(o -> line(s, o.shown(), o.help()));
        }
        return s.toString();
    }

    /** One option: {@code left} padded to the column, then the help. */
    private static void line(StringBuilder s, String left, String help) {
        s.append("  ").append(left);
        wrapped(s, help, 2 + Math.max(left.length() + 2, KEY_COLUMN), 2 + left.length());
    }

    /**
     * Appends {@code text} and a line break, starting at {@code column} and wrapped at spaces to lines of at most
     * {@link #WIDTH} characters, each continuation line indented to {@code column}; {@code at} is the current line's
     * length.
     */
    private static void wrapped(StringBuilder s, String text, int column, int at) {
        for (String word : text.split(" ")) {
            if (at > column && at + 1 + word.length() > WIDTH) {
                s.append('\n');
                at = 0;
            }
            int pad = at < column ? column - at : at == 0 ? 0 : 1;
            s.append(" ".repeat(pad)).append(word);
            at += pad + word.length();
        }
        s.append('\n');
    }
}
