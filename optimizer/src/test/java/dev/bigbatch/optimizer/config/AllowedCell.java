package dev.bigbatch.optimizer.config;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The "Allowed" cell of a docs/CONFIG.md row turned into values to try. Cells of other forms (a bound naming another
 * key, a list of step counts) are prose, not tried. Keys named in a cell are relative to the row's section.
 *
 * <ul>
 *   <li>{@code [a, b]}, {@code (a, b]}, {@code [a, b)}, {@code (a, b)}; {@code ≥ a}, {@code > a}: the bounds and the
 *       values just beyond them (whole numbers if the default is one, exactly: bounds are not rounded to a double),
 *       and −1, 0, 1;</li>
 *   <li>{@code x or } one of those: x is allowed too, its neighbours only if inside the interval;</li>
 *   <li>either followed by {@code , a multiple of `key`}: tried with that key set to 1 (every value a multiple), and
 *       with it set to 2, an even value accepted and the odd one after it rejected;</li>
 *   <li>any of those followed by {@code ; only with `key = value`}: the other key the value needs;</li>
 *   <li>{@code any whole number} (the 64-bit range, fractions rejected), {@code any string} and
 *       {@code any non-blank string} (empty and whitespace-only rejected);</li>
 *   <li>{@code `x`, `y`} (one of them) or {@code list of `x`, `y`} (a list of them), see {@link #names}.</li>
 * </ul>
 */
public final class AllowedCell {
    public static final String ANY_STRING = "any string";
    public static final String NON_BLANK_STRING = "any non-blank string";
    public static final String ANY_WHOLE_NUMBER = "any whole number";
    private static final String NUMBER = "(-?[0-9][0-9.e+-]*)";
    private static final Pattern NUMERIC = Pattern.compile("^(?:" + NUMBER + " or )?"
            + "(?:([\\[(])" + NUMBER + ", " + NUMBER + "([\\])])|(≥|>) " + NUMBER + ")"
            + "(?:, a multiple of `([a-z-]+)`)?"
            + "(?:; only with `([a-z-]+) = ([a-z-]+)`)?$");
    private static final Pattern NAMES = Pattern.compile("^(list of )?(`[a-z0-9-]+`(?:, `[a-z0-9-]+`)*)$");

    /**
     * One value to set, and whether the reader must accept it.
     *
     * @param with other keys of the row's section (relative) to set for this value
     */
    public record Probe(Object value, boolean accepted, Map<String, Object> with) {
    }

    /** An interval; {@code hi} is null for a lower bound only. */
    private record Range(BigDecimal lo, boolean loClosed, BigDecimal hi, boolean hiClosed) {
        boolean contains(Number v) {
            BigDecimal x = new BigDecimal(v.toString());
            int lower = x.compareTo(lo);
            int upper = hi == null ? -1 : x.compareTo(hi);
            return (loClosed ? lower >= 0 : lower > 0) && (hi == null || (hiClosed ? upper <= 0 : upper < 0));
        }
    }

    private AllowedCell() {
    }

    /** The named values of a choice cell, or null if the cell is not one. */
    public static List<String> names(String cell) {
        Matcher m = NAMES.matcher(cell);
        return m.matches() ? Arrays.stream(m.group(2).split(", ")).map(s -> s.replace("`", "")).toList() : null;
    }

    /** Whether a choice cell is a list ({@code list of ...}). */
    public static boolean isList(String cell) {
        Matcher m = NAMES.matcher(cell);
        return m.matches() && m.group(1) != null;
    }

    /**
     * The values to try for a numeric or free cell, typed like {@code example} (the default: a whole number or not);
     * null if the cell is of neither form.
     */
    public static List<Probe> probes(String cell, Object example) {
        if (cell.equals(ANY_STRING)) {
            return List.of(new Probe("any string at all", true, Map.of()));
        }
        if (cell.equals(NON_BLANK_STRING)) {
            return List.of(new Probe("x", true, Map.of()), new Probe("", false, Map.of()),
                    new Probe("  ", false, Map.of()));
        }
        if (cell.equals(ANY_WHOLE_NUMBER)) {
            return List.of(new Probe(Long.MIN_VALUE, true, Map.of()), new Probe(Long.MAX_VALUE, true, Map.of()),
                    new Probe(0.5, false, Map.of()));
        }
        Matcher m = NUMERIC.matcher(cell);
        if (!m.matches()) {
            return null;
        }
        boolean whole = example instanceof Long || example instanceof Integer;
        Range range = m.group(2) != null
                ? new Range(new BigDecimal(m.group(3)), m.group(2).equals("["), new BigDecimal(m.group(4)),
                m.group(5).equals("]"))
                : new Range(new BigDecimal(m.group(7)), m.group(6).equals("≥"), null, false);
        List<Probe> probes = new ArrayList<>();
        bound(probes, range.lo(), range.loClosed(), -1, whole);
        if (range.hi() != null) {
            bound(probes, range.hi(), range.hiClosed(), +1, whole);
        }
        Number special = m.group(1) == null ? null : typed(new BigDecimal(m.group(1)), whole);
        if (special != null) {
            special(probes, special, range);
        }
        landmarks(probes, range, special, whole);
        String multipleOf = m.group(8);
        if (multipleOf != null) {
            probes.replaceAll(p -> new Probe(p.value(), p.accepted(), Map.of(multipleOf, 1L)));
            Probe lowest = probes.stream().filter(Probe::accepted).findFirst().orElseThrow();
            long even = ((Number) lowest.value()).longValue();
            even += even % 2 == 0 ? 0 : 1;
            probes.add(new Probe(even, true, Map.of(multipleOf, 2L)));
            if (range.contains(even + 1)) {
                probes.add(new Probe(even + 1, false, Map.of(multipleOf, 2L)));
            }
        }
        if (m.group(9) != null) {
            probes.replaceAll(p -> {
                Map<String, Object> with = new LinkedHashMap<>(p.with());
                with.put(m.group(9), m.group(10));
                return new Probe(p.value(), p.accepted(), with);
            });
        }
        return probes;
    }

    /**
     * A closed bound is accepted and the next value beyond it is not; an open bound is rejected and the next value
     * inside it is accepted. {@code outward} is −1 for a lower bound, +1 for an upper one.
     */
    private static void bound(List<Probe> probes, BigDecimal b, boolean closed, int outward, boolean whole) {
        Number at = typed(b, whole);
        probes.add(new Probe(at, closed, Map.of()));
        probes.add(new Probe(next(at, closed ? outward : -outward), !closed, Map.of()));
    }

    /** {@code x or RANGE}: x is accepted, whatever the range says; its neighbours as the range says. */
    private static void special(List<Probe> probes, Number x, Range range) {
        probes.removeIf(p -> p.value().equals(x));
        probes.add(new Probe(x, true, Map.of()));
        for (int direction : new int[]{-1, +1}) {
            Number n = next(x, direction);
            if (probes.stream().noneMatch(p -> p.value().equals(n))) {
                probes.add(new Probe(n, range.contains(n), Map.of()));
            }
        }
    }

    /**
     * −1, 0 and 1, where not tried already, accepted as documented: catches a value the reader takes far from the
     * documented bounds, such as a dropped {@code 0 or}.
     */
    private static void landmarks(List<Probe> probes, Range range, Number special, boolean whole) {
        for (long l = -1; l <= 1; l++) {
            Number v = whole ? (Number) l : (Number) (double) l;
            if (probes.stream().noneMatch(p -> p.value().equals(v))) {
                probes.add(new Probe(v, range.contains(v) || v.equals(special), Map.of()));
            }
        }
    }

    private static Number next(Number v, int direction) {
        if (v instanceof Long l) {
            return Math.addExact(l, direction);
        }
        return direction > 0 ? Math.nextUp(v.doubleValue()) : Math.nextDown(v.doubleValue());
    }

    private static Number typed(BigDecimal v, boolean whole) {
        return whole ? (Number) v.longValueExact() : (Number) v.doubleValue();
    }
}
