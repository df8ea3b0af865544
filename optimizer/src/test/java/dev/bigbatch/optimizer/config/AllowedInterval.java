package dev.bigbatch.optimizer.config;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The interval of an {@link AllowedCell}, with its ends resolved to numbers: compared exactly ({@link BigDecimal}), so
 * a whole-number bound beyond a double's precision and the double just past a decimal bound are both told apart.
 *
 * @param lo the lower end
 * @param hi the upper end, null for a lower bound only
 */
record AllowedInterval(Bound lo, Bound hi) {
    /**
     * One end of an interval.
     *
     * @param value  the bound; when {@code key} is not null, that key's value in effect
     * @param closed whether the bound itself is inside
     * @param key    the other key (relative to the row's section) the bound is, or null for a number
     */
    record Bound(BigDecimal value, boolean closed, String key) {
        Bound at(BigDecimal v) {
            return new Bound(v, closed, key);
        }
    }

    /** The ends {@code v} is outside of. */
    List<Bound> broken(Number v) {
        BigDecimal x = new BigDecimal(v.toString());
        List<Bound> out = new ArrayList<>();
        int lower = x.compareTo(lo.value());
        if (lo.closed() ? lower < 0 : lower <= 0) {
            out.add(lo);
        }
        if (hi != null) {
            int upper = x.compareTo(hi.value());
            if (hi.closed() ? upper > 0 : upper >= 0) {
                out.add(hi);
            }
        }
        return out;
    }

    boolean contains(Number v) {
        return broken(v).isEmpty();
    }

    /** The other keys whose ends {@code v} is outside of. */
    Set<String> keysBroken(Number v) {
        Set<String> keys = new LinkedHashSet<>();
        broken(v).stream().map(Bound::key).filter(k -> k != null).forEach(keys::add);
        return keys;
    }

    /** This interval with the ends that are {@code key} at {@code v}. */
    AllowedInterval withKey(String key, BigDecimal v) {
        return new AllowedInterval(key.equals(lo.key()) ? lo.at(v) : lo,
                hi != null && key.equals(hi.key()) ? hi.at(v) : hi);
    }
}
