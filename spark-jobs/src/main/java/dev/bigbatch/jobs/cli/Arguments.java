package dev.bigbatch.jobs.cli;

import dev.bigbatch.optimizer.config.ConfigError;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options of one command line: {@code --name value} pairs (repeatable where the command says so) and
 * {@code --flag}s. Unknown options and missing values are errors naming the option.
 */
public final class Arguments {
    private final String command;
    private final Map<String, List<String>> values = new LinkedHashMap<>();

    private Arguments(String command) {
        this.command = command;
    }

    /**
     * @param valued options taking a value, e.g. {@code --out}
     * @param flags  options without a value, e.g. {@code --overwrite}
     */
    public static Arguments parse(String command, List<String> args, Set<String> valued, Set<String> flags) {
        Arguments a = new Arguments(command);
        for (int i = 0; i < args.size(); i++) {
            String opt = args.get(i);
            if (flags.contains(opt)) {
                a.values.computeIfAbsent(opt, k -> new ArrayList<>()).add("true");
            } else if (valued.contains(opt)) {
                if (i + 1 >= args.size()) {
                    throw new ConfigError(opt, "needs a value");
                }
                a.values.computeIfAbsent(opt, k -> new ArrayList<>()).add(args.get(++i));
                // A list option (--runs A B C) takes following non-option words too.
                while (opt.equals("--runs") && i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                    a.values.get(opt).add(args.get(++i));
                }
            } else {
                List<String> known = new ArrayList<>(valued);
                known.addAll(flags);
                known.sort(null);
                throw new ConfigError(opt, "unknown option for '" + command + "'; options: " + String.join(" ", known));
            }
        }
        return a;
    }

    public String command() {
        return command;
    }

    public String required(String opt) {
        String v = optional(opt, null);
        if (v == null) {
            throw new ConfigError(opt, "is required for '" + command + "'");
        }
        if (v.isBlank()) {
            throw new ConfigError(opt, "is empty; '" + command + "' needs a value here");
        }
        return v;
    }

    /** The last value given for {@code opt}, or {@code def}. */
    public String optional(String opt, String def) {
        List<String> v = values.get(opt);
        return v == null ? def : v.get(v.size() - 1);
    }

    public List<String> all(String opt) {
        return values.getOrDefault(opt, List.of());
    }

    public boolean flag(String opt) {
        return values.containsKey(opt);
    }

    public int integer(String opt, int def, int min, int max) {
        String v = optional(opt, null);
        if (v == null) {
            return def;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < min || n > max) {
                throw new ConfigError(opt, (max == Integer.MAX_VALUE ? "must be at least " + min
                        : "must be in [" + min + ", " + max + "]") + ", found " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ConfigError(opt, "must be a whole number, found '" + v + "'");
        }
    }

    /** The number given for {@code opt}, or {@code def}; NaN is in no range. */
    public double decimal(String opt, double def, double min, double max) {
        String v = optional(opt, null);
        if (v == null) {
            return def;
        }
        double x;
        try {
            x = Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new ConfigError(opt, "must be a number, found '" + v + "'");
        }
        if (!(x >= min && x <= max)) {
            throw new ConfigError(opt, "must be in [" + min + ", " + max + "], found " + v.trim());
        }
        return x;
    }

    public long longValue(String opt, long def) {
        String v = optional(opt, null);
        if (v == null) {
            return def;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new ConfigError(opt, "must be a whole number, found '" + v + "'");
        }
    }
}
