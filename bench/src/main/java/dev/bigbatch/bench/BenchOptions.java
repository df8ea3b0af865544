package dev.bigbatch.bench;

import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The command-line arguments of a main-method benchmark, checked against what the bench declared
 * ({@link BenchDeclaration}): {@code key=value} options with known keys (or keys under a declared prefix such as
 * {@code rates.}) and, where the bench takes them, bare arguments.
 *
 * <p>A misspelt key must not run the bench with a default nobody asked for (its numbers would go into
 * docs/BENCHMARKS.md as if they were for the settings on the command line), so an unknown key, a key given twice, an
 * unexpected bare argument and a value that does not parse all fail with a {@link BenchOptionError} naming the bench,
 * the argument and what is allowed. Read every option before starting any work; {@link BenchRunner} runs a bench that
 * way:
 * <pre>
 *   BenchOptions o = BenchOptions.declare("KfacFactorCostBench", "...").key("rounds", 7, "timed rounds").parse(args);
 *   int rounds = o.getIntAtLeast("rounds", 1);
 * </pre>
 * A key not given has its declared default, parsed by the same getter. Asking for a key the bench did not declare, or
 * a declared default that its getter rejects, is a programming error ({@link IllegalStateException}).
 */
public final class BenchOptions {
    private final BenchDeclaration declared;
    private final Map<String, String> values;
    private final Set<String> words;
    private final Set<String> read = new LinkedHashSet<>();

    BenchOptions(BenchDeclaration declared, Map<String, String> values, Set<String> words) {
        this.declared = declared;
        this.values = values;
        this.words = words;
    }

    /**
     * Starts the declaration of the options of {@code bench} (its name, as error messages show it); {@code summary}
     * is the usage's one line on what the bench measures.
     */
    public static BenchDeclaration declare(String bench, String summary) {
        return new BenchDeclaration(bench, summary);
    }

    /** The bench's name, as given to {@link #declare}. */
    public String bench() {
        return declared.bench();
    }

    /** Whether {@code key} was given on the command line. */
    public boolean has(String key) {
        return given(key) != null;
    }

    public String getString(String key) {
        return get(key, Function.identity(), "a string");
    }

    public int getInt(String key) {
        return get(key, Integer::parseInt, "an integer");
    }

    /** An integer of at least {@code min}, e.g. 1 for a count of rounds, steps, threads or examples. */
    public int getIntAtLeast(String key, int min) {
        return get(key, v -> {
            int n = Integer.parseInt(v);
            if (n < min) {
                throw new IllegalArgumentException(n + " < " + min);
            }
            return n;
        }, "an integer >= " + min);
    }

    public long getLong(String key) {
        return get(key, Long::parseLong, "an integer");
    }

    public double getDouble(String key) {
        return get(key, Double::parseDouble, "a number");
    }

    /** One of {@code allowed}, e.g. a model name. */
    public String getOneOf(String key, Collection<String> allowed) {
        return get(key, v -> {
            if (!allowed.contains(v)) {
                throw new IllegalArgumentException("not allowed: " + v);
            }
            return v;
        }, "one of " + String.join(", ", allowed));
    }

    /** A comma-separated list; an empty value is the empty list, an empty element is an error. */
    public List<String> getList(String key) {
        return get(key, BenchOptions::split, "a comma-separated list without empty elements");
    }

    /** A comma-separated list of numbers. */
    public double[] getDoubles(String key) {
        return get(key, v -> split(v).stream().mapToDouble(Double::parseDouble).toArray(),
                "a comma-separated list of numbers");
    }

    /**
     * The value of {@code key} read by {@code parser}, its declared default when not given; a given value the parser
     * rejects with an {@link IllegalArgumentException} (such as {@link NumberFormatException}) fails with a
     * {@link BenchOptionError} saying it is not {@code expected}. A key under a prefix has no default: ask only for
     * those given ({@link #keysWithPrefix}).
     */
    public <T> T get(String key, Function<String, T> parser, String expected) {
        String v = given(key);
        String text = v != null ? v : declared.defaultValue(key);
        try {
            return parser.apply(text);
        } catch (IllegalArgumentException e) {
            if (v == null) {
                throw new IllegalStateException(bench() + ": the default " + key + "=" + text + " is not " + expected,
                        e);
            }
            throw invalid(key, "is not " + expected);
        }
    }

    /** The keys given under a declared {@code prefix}, in the order given. */
    public List<String> keysWithPrefix(String prefix) {
        if (!declared.declaresPrefix(prefix)) {
            throw new IllegalStateException(bench() + " did not declare the prefix " + prefix);
        }
        return values.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
    }

    /** The bare words given, in the order given. */
    public Set<String> words() {
        return words;
    }

    /** An error for a value the bench itself rejects, e.g. {@code only=adm names adm, not one of [...]}. */
    public BenchOptionError invalid(String key, String problem) {
        String v = values.get(key);
        return declared.error(key + "=" + (v != null ? v : declared.defaultValue(key) + " (the default)") + " "
                + problem);
    }

    /** The keys a getter (or {@link #has}) asked for so far: what the bench reads, for tests of its usage. */
    Set<String> keysRead() {
        return Collections.unmodifiableSet(read);
    }

    /** The value given for {@code key}, or null. */
    private String given(String key) {
        if (!declared.accepts(key)) {
            throw new IllegalStateException(bench() + " did not declare the option " + key);
        }
        read.add(key);
        return values.get(key);
    }

    private static List<String> split(String value) {
        if (value.isEmpty()) {
            return List.of();
        }
        List<String> out = Arrays.asList(value.split(",", -1));
        if (out.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("empty element in " + value);
        }
        return List.copyOf(out);
    }
}
