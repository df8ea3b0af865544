package dev.bigbatch.optimizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The "Allowed" cell of a docs/CONFIG.md row turned into values to try: an interval's bounds and the values just
 * beyond them, or the named values of a choice. Cells of other forms (a bound naming another key, a list of step
 * counts) are prose, not tried.
 *
 * <ul>
 *   <li>{@code [a, b]}, {@code (a, b]}, {@code [a, b)}, {@code (a, b)}; {@code ≥ a}, {@code > a};</li>
 *   <li>{@code `x`, `y`} (one of them) or {@code list of `x`, `y`} (a list of them);</li>
 *   <li>either followed by {@code ; only with `key = value`}: the other key the value needs.</li>
 * </ul>
 */
final class AllowedCell {
    private static final String NUMBER = "(-?[0-9][0-9.e+-]*)";
    private static final String CONTEXT = "(?:; only with `([a-z-]+) = ([a-z-]+)`)?";
    private static final Pattern INTERVAL = Pattern.compile("^([\\[(])" + NUMBER + ", " + NUMBER + "([\\])])"
            + CONTEXT + "$");
    private static final Pattern LOWER_BOUND = Pattern.compile("^(≥|>) " + NUMBER + CONTEXT + "$");
    private static final Pattern NAMES = Pattern.compile("^(list of )?(`[a-z0-9-]+`(?:, `[a-z0-9-]+`)*)$");

    /** One value to set, and whether the reader must accept it. */
    record Probe(Object value, boolean accepted) {
    }

    private AllowedCell() {
    }

    /** The named values of a choice cell, or null if the cell is not one. */
    static List<String> names(String cell) {
        Matcher m = NAMES.matcher(cell);
        return m.matches() ? Arrays.stream(m.group(2).split(", ")).map(s -> s.replace("`", "")).toList() : null;
    }

    /** Whether a choice cell is a list ({@code list of ...}). */
    static boolean isList(String cell) {
        Matcher m = NAMES.matcher(cell);
        return m.matches() && m.group(1) != null;
    }

    /** The other key and value an interval cell needs ({@code only with}), or an empty map. */
    static Map<String, Object> context(String cell) {
        for (Pattern p : List.of(INTERVAL, LOWER_BOUND)) {
            Matcher m = p.matcher(cell);
            if (m.matches() && m.group(m.groupCount() - 1) != null) {
                return Map.of(m.group(m.groupCount() - 1), m.group(m.groupCount()));
            }
        }
        return Map.of();
    }

    /**
     * The bounds of an interval cell and their neighbours outside (closed bound) or inside (open bound), typed like
     * {@code example} (the default: a whole number or not); null if the cell is not an interval.
     */
    static List<Probe> bounds(String cell, Object example) {
        boolean whole = example instanceof Long || example instanceof Integer;
        List<Probe> probes = new ArrayList<>();
        Matcher m = INTERVAL.matcher(cell);
        if (m.matches()) {
            bound(probes, Double.parseDouble(m.group(2)), m.group(1).equals("["), -1, whole);
            bound(probes, Double.parseDouble(m.group(3)), m.group(4).equals("]"), +1, whole);
            return probes;
        }
        m = LOWER_BOUND.matcher(cell);
        if (m.matches()) {
            bound(probes, Double.parseDouble(m.group(2)), m.group(1).equals("≥"), -1, whole);
            return probes;
        }
        return null;
    }

    /**
     * A closed bound is accepted and the next value beyond it is not; an open bound is rejected and the next value
     * inside it is accepted. {@code outward} is −1 for a lower bound, +1 for an upper one.
     */
    private static void bound(List<Probe> probes, double b, boolean closed, int outward, boolean whole) {
        double next = closed ? step(b, outward, whole) : step(b, -outward, whole);
        probes.add(new Probe(typed(b, whole), closed));
        probes.add(new Probe(typed(next, whole), !closed));
    }

    private static double step(double b, int direction, boolean whole) {
        if (whole) {
            return b + direction;
        }
        return direction > 0 ? Math.nextUp(b) : Math.nextDown(b);
    }

    private static Object typed(double v, boolean whole) {
        return whole ? (Object) (long) v : (Object) v;
    }
}
