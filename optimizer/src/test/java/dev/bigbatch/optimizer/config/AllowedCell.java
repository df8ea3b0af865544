package dev.bigbatch.optimizer.config;

import dev.bigbatch.optimizer.config.AllowedInterval.Bound;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The "Allowed" cell of a docs/CONFIG.md row turned into values to try. Cells of other forms (a list of step counts,
 * a rule stated in words) are prose, not tried. Keys named in a cell are relative to the row's section.
 *
 * <ul>
 *   <li>{@code [a, b]}, {@code (a, b]}, {@code [a, b)}, {@code (a, b)}; {@code ≥ a}, {@code > a}: the bounds and the
 *       values just beyond them (whole numbers if the default is one, exactly: bounds are not rounded to a double),
 *       and −1, 0, 1;</li>
 *   <li>an interval's bound may be another key, {@code [0, `learning-rate`]}: its value in effect is the bound, tried
 *       as a number is, and then again with that key set to twice its value (1 if it is 0), to show the bound follows
 *       the key; a value rejected only by such a bound may be reported under either key (the relation has two
 *       sides);</li>
 *   <li>{@code x or } one of those: x is allowed too, its neighbours only if inside the interval;</li>
 *   <li>either followed by {@code , a multiple of `key`}: tried with that key set to 1 (every value a multiple), and
 *       with it set to 2, an even value accepted and the odd one after it rejected;</li>
 *   <li>any of those followed by {@code ; only with `key = value`}: the other key the value needs;</li>
 *   <li>{@code A; B with `key = value`}, A and B of the forms above: B holds when the other key has that value (tried
 *       with it set), A otherwise (tried with it at its default, which must not be that value);</li>
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
    /** An interval's end: a number or another key. */
    private static final String BOUND = "(-?[0-9][0-9.e+-]*|`[a-z.-]+`)";
    private static final Pattern NUMERIC = Pattern.compile("^(?:" + NUMBER + " or )?"
            + "(?:([\\[(])" + BOUND + ", " + BOUND + "([\\])])|(≥|>) " + NUMBER + ")"
            + "(?:, a multiple of `([a-z-]+)`)?"
            + "(?:; only with `([a-z-]+) = ([a-z-]+)`)?$");
    private static final Pattern CONDITIONAL = Pattern.compile("^(.+); (.+) with `([a-z.-]+) = ([a-z0-9-]+)`$");
    private static final Pattern NAMES = Pattern.compile("^(list of )?(`[a-z0-9-]+`(?:, `[a-z0-9-]+`)*)$");

    /**
     * One value to set, and whether the reader must accept it.
     *
     * @param with      other keys of the row's section (relative) to set for this value
     * @param otherKeys keys of the row's section (relative) that a rejection may name instead of the row's own: the
     *                  other side of a relation between keys that the value breaks
     */
    public record Probe(Object value, boolean accepted, Map<String, Object> with, Set<String> otherKeys) {
        public Probe(Object value, boolean accepted, Map<String, Object> with) {
            this(value, accepted, with, Set.of());
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

    /** As {@link #probes(String, Object, Function)} with no other key's value known: a bound naming a key is prose. */
    public static List<Probe> probes(String cell, Object example) {
        return probes(cell, example, key -> null);
    }

    /**
     * The values to try for a numeric or free cell, typed like {@code example} (the default: a whole number or not);
     * null if the cell is of neither form, or names a key {@code values} does not know.
     *
     * @param values a key of the row's section (relative) → its value in effect, or null
     */
    public static List<Probe> probes(String cell, Object example, Function<String, Number> values) {
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
        if (m.matches()) {
            return numeric(m, example, values);
        }
        Matcher c = CONDITIONAL.matcher(cell);
        if (c.matches()) {
            List<Probe> otherwise = probes(c.group(1), example, values);
            List<Probe> when = probes(c.group(2), example, values);
            if (otherwise == null || when == null) {
                return null;
            }
            List<Probe> out = new ArrayList<>(otherwise);
            when.forEach(p -> out.add(with(p, c.group(3), c.group(4))));
            return out;
        }
        return null;
    }

    private static List<Probe> numeric(Matcher m, Object example, Function<String, Number> values) {
        boolean whole = example instanceof Long || example instanceof Integer;
        AllowedInterval range = m.group(2) != null
                ? range(bound(m.group(3), m.group(2).equals("["), values),
                bound(m.group(4), m.group(5).equals("]"), values))
                : new AllowedInterval(new Bound(new BigDecimal(m.group(7)), m.group(6).equals("≥"), null),
                null);
        if (range == null) {
            return null;
        }
        Number special = m.group(1) == null ? null : typed(new BigDecimal(m.group(1)), whole);
        List<Probe> probes = new ArrayList<>();
        ends(probes, range, special, whole, Map.of(), null);
        if (special != null) {
            special(probes, special, range);
        }
        landmarks(probes, range, special, whole);
        for (Bound b : range.hi() == null ? List.of(range.lo()) : List.of(range.lo(), range.hi())) {
            if (b.key() != null) {
                Number moved = twice(values.apply(b.key()));
                AllowedInterval shifted = range.withKey(b.key(), new BigDecimal(moved.toString()));
                ends(probes, shifted, special, whole, Map.of(b.key(), moved), b.key());
            }
        }
        String multipleOf = m.group(8);
        if (multipleOf != null) {
            probes.replaceAll(p -> with(p, multipleOf, 1L));
            Probe lowest = probes.stream().filter(Probe::accepted).findFirst().orElseThrow();
            long even = ((Number) lowest.value()).longValue();
            even += even % 2 == 0 ? 0 : 1;
            probes.add(new Probe(even, true, Map.of(multipleOf, 2L)));
            if (range.contains(even + 1)) {
                probes.add(new Probe(even + 1, false, Map.of(multipleOf, 2L)));
            }
        }
        if (m.group(9) != null) {
            probes.replaceAll(p -> with(p, m.group(9), m.group(10)));
        }
        return probes;
    }

    /** An interval's end: a number, or the value in effect of a key in backticks (null if not known). */
    private static Bound bound(String text, boolean closed, Function<String, Number> values) {
        if (!text.startsWith("`")) {
            return new Bound(new BigDecimal(text), closed, null);
        }
        String key = text.substring(1, text.length() - 1);
        Number v = values.apply(key);
        return v == null ? null : new Bound(new BigDecimal(v.toString()), closed, key);
    }

    private static AllowedInterval range(Bound lo, Bound hi) {
        return lo == null || hi == null ? null : new AllowedInterval(lo, hi);
    }

    /**
     * Each end of {@code range} (only the one bounded by {@code key}, if not null): a closed bound is accepted and the
     * next value beyond it is not; an open bound is rejected and the next value inside it is accepted, as the whole
     * interval (and the single value of {@code x or}) says.
     */
    private static void ends(List<Probe> probes, AllowedInterval range, Number special, boolean whole,
                             Map<String, Object> with, String key) {
        Bound[] bounds = {range.lo(), range.hi()};
        for (int i = 0; i < bounds.length; i++) {
            Bound b = bounds[i];
            if (b == null || (key != null && !key.equals(b.key()))) {
                continue;
            }
            int outward = i == 0 ? -1 : +1;
            Number at = typed(b.value(), whole);
            for (Number v : List.of(at, next(at, b.closed() ? outward : -outward))) {
                boolean accepted = range.contains(v) || v.equals(special);
                probes.add(new Probe(v, accepted, with, accepted ? Set.of() : range.keysBroken(v)));
            }
        }
    }

    /** {@code x or RANGE}: x is accepted, whatever the range says; its neighbours as the range says. */
    private static void special(List<Probe> probes, Number x, AllowedInterval range) {
        probes.removeIf(p -> p.value().equals(x));
        probes.add(new Probe(x, true, Map.of()));
        for (int direction : new int[]{-1, +1}) {
            Number n = next(x, direction);
            if (probes.stream().noneMatch(p -> p.value().equals(n))) {
                probes.add(new Probe(n, range.contains(n), Map.of(), range.keysBroken(n)));
            }
        }
    }

    /**
     * −1, 0 and 1, where not tried already, accepted as documented: catches a value the reader takes far from the
     * documented bounds, such as a dropped {@code 0 or}.
     */
    private static void landmarks(List<Probe> probes, AllowedInterval range, Number special, boolean whole) {
        for (long l = -1; l <= 1; l++) {
            Number v = whole ? (Number) l : (Number) (double) l;
            if (probes.stream().noneMatch(p -> p.value().equals(v))) {
                boolean accepted = range.contains(v) || v.equals(special);
                probes.add(new Probe(v, accepted, Map.of(), accepted ? Set.of() : range.keysBroken(v)));
            }
        }
    }

    /** {@code p} with one more other key set. */
    private static Probe with(Probe p, String key, Object value) {
        Map<String, Object> with = new LinkedHashMap<>(p.with());
        with.put(key, value);
        return new Probe(p.value(), p.accepted(), with, p.otherKeys());
    }

    /** A value for a key named as a bound, other than its value in effect: twice that, or 1 for 0. */
    private static Number twice(Number v) {
        if (v instanceof Long || v instanceof Integer) {
            return v.longValue() == 0 ? 1L : Math.multiplyExact(v.longValue(), 2L);
        }
        return v.doubleValue() == 0 ? 1.0 : 2 * v.doubleValue();
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
