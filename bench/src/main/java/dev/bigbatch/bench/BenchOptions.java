package dev.bigbatch.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The command-line arguments of a main-method benchmark, checked against what the bench declares: {@code key=value}
 * options with known keys (or keys under a declared prefix such as {@code rates.}), and, where a bench takes them,
 * bare arguments, either positional values that fill named keys in order ({@code OptimizerStepBench 100000 1 1}) or
 * words from a fixed set ({@code ImagePipelineBench decode}).
 *
 * <p>A misspelt key must not run the bench with a default nobody asked for (its numbers would go into
 * docs/BENCHMARKS.md as if they were for the settings on the command line), so an unknown key, a key given twice, an
 * unexpected bare argument and a value that does not parse all fail with an {@link IllegalArgumentException} naming
 * the bench, the argument and the arguments the bench knows. Parse before starting any work:
 * <pre>
 *   BenchOptions o = BenchOptions.declare("KfacStepBench").keys("rounds", "cov").parse(args);
 *   int rounds = o.getInt("rounds", 4);
 * </pre>
 * Defaults are given at the getter, once per key. Asking for a key the bench did not declare is a programming error
 * ({@link IllegalStateException}).
 */
public final class BenchOptions {
    private final Declaration declared;
    private final Map<String, String> values;
    private final Set<String> words;

    private BenchOptions(Declaration declared, Map<String, String> values, Set<String> words) {
        this.declared = declared;
        this.values = values;
        this.words = words;
    }

    /** Starts the declaration of the options of {@code bench} (its name, as error messages show it). */
    public static Declaration declare(String bench) {
        return new Declaration(bench);
    }

    /** What a bench accepts; {@link #parse} checks arguments against it. */
    public static final class Declaration {
        private final String bench;
        private final Set<String> keys = new LinkedHashSet<>();
        private final List<String> prefixes = new ArrayList<>();
        private final List<String> positional = new ArrayList<>();
        private final Set<String> words = new LinkedHashSet<>();

        private Declaration(String bench) {
            this.bench = bench;
        }

        /** Keys given as {@code key=value}. */
        public Declaration keys(String... names) {
            return keys(Arrays.asList(names));
        }

        public Declaration keys(Collection<String> names) {
            keys.addAll(names);
            return this;
        }

        /** Accepts every key that starts with {@code prefix}, e.g. {@code rates.} for {@code rates.adam=...}. */
        public Declaration prefix(String prefix) {
            prefixes.add(prefix);
            return this;
        }

        /** Bare arguments fill these keys in this order; each can also be given as {@code key=value}. */
        public Declaration positional(String... names) {
            if (!words.isEmpty()) {
                throw new IllegalStateException("a bench takes either positional values or words");
            }
            positional.addAll(Arrays.asList(names));
            return keys(names);
        }

        /** Bare arguments are words from this set (each at most once), see {@link BenchOptions#words()}. */
        public Declaration words(String... names) {
            if (!positional.isEmpty()) {
                throw new IllegalStateException("a bench takes either positional values or words");
            }
            words.addAll(Arrays.asList(names));
            return this;
        }

        /** Checks and collects {@code args}; throws {@link IllegalArgumentException} on the first bad one. */
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
                } else if (words.contains(a) && given.add(a)) {
                    continue;
                } else {
                    throw error(words.contains(a) ? "argument " + a + " given twice" : "unexpected argument " + a
                            + (positional.isEmpty() ? "" : " (at most " + positional.size() + " bare arguments)"));
                }
            }
            return new BenchOptions(this, values, Collections.unmodifiableSet(given));
        }

        private void put(Map<String, String> values, String key, String value, String arg) {
            if (!accepts(key)) {
                throw error("unknown option " + arg);
            }
            String before = values.putIfAbsent(key, value);
            if (before != null) {
                throw error(key + " given twice (" + key + "=" + before + ", then " + arg + ")");
            }
        }

        private boolean accepts(String key) {
            return keys.contains(key)
                    || prefixes.stream().anyMatch(p -> key.startsWith(p) && key.length() > p.length());
        }

        IllegalArgumentException error(String problem) {
            return new IllegalArgumentException(bench + ": " + problem + "; " + usage());
        }

        /** The known arguments, e.g. {@code known keys: model, batch; bare arguments fill: parameters, rounds}. */
        String usage() {
            List<String> known = new ArrayList<>(keys);
            prefixes.forEach(p -> known.add(p + "<name>"));
            StringBuilder s = new StringBuilder("known keys: ").append(known.isEmpty() ? "none" : String.join(", ",
                    known));
            if (!positional.isEmpty()) {
                s.append("; bare arguments fill, in order: ").append(String.join(", ", positional));
            }
            if (!words.isEmpty()) {
                s.append("; bare arguments: any of ").append(String.join(", ", words));
            }
            return s.toString();
        }
    }

    /** The bench's name, as given to {@link #declare}. */
    public String bench() {
        return declared.bench;
    }

    public boolean has(String key) {
        return raw(key) != null;
    }

    public String getString(String key, String def) {
        String v = raw(key);
        return v == null ? def : v;
    }

    public int getInt(String key, int def) {
        return get(key, def, Integer::parseInt, "an integer");
    }

    public long getLong(String key, long def) {
        return get(key, def, Long::parseLong, "an integer");
    }

    public double getDouble(String key, double def) {
        return get(key, def, Double::parseDouble, "a number");
    }

    /** A comma-separated list; an empty value is the empty list, an empty element is an error. */
    public List<String> getList(String key, List<String> def) {
        return get(key, def, BenchOptions::split, "a comma-separated list without empty elements");
    }

    /** A comma-separated list of numbers. */
    public double[] getDoubles(String key, double[] def) {
        return get(key, def, v -> split(v).stream().mapToDouble(Double::parseDouble).toArray(),
                "a comma-separated list of numbers");
    }

    /**
     * The value of {@code key} read by {@code parser}, or {@code def} when not given; a value the parser rejects with
     * an {@link IllegalArgumentException} (such as {@link NumberFormatException}) fails, saying it is not
     * {@code expected}.
     */
    public <T> T get(String key, T def, Function<String, T> parser, String expected) {
        String v = raw(key);
        if (v == null) {
            return def;
        }
        try {
            return parser.apply(v);
        } catch (IllegalArgumentException e) {
            throw invalid(key, "is not " + expected);
        }
    }

    /** The keys given under a declared {@code prefix}, in the order given. */
    public List<String> keysWithPrefix(String prefix) {
        if (!declared.prefixes.contains(prefix)) {
            throw new IllegalStateException(bench() + " did not declare the prefix " + prefix);
        }
        return values.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
    }

    /** The bare words given, in the order given. */
    public Set<String> words() {
        return words;
    }

    /** An error for a value the bench itself rejects, e.g. {@code only=adm: not an optimizer of the sweep}. */
    public IllegalArgumentException invalid(String key, String problem) {
        return declared.error(key + "=" + raw(key) + " " + problem);
    }

    private String raw(String key) {
        if (!declared.accepts(key)) {
            throw new IllegalStateException(bench() + " did not declare the option " + key);
        }
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
