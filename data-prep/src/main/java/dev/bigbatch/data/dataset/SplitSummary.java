package dev.bigbatch.data.dataset;

import java.io.Serializable;
import java.util.List;

/**
 * The size of one split of a prepared dataset, as recorded in its manifest.
 *
 * @param count    examples in the split
 * @param perClass examples per class, indexed by label; sums to {@code count}
 */
public record SplitSummary(long count, List<Long> perClass) implements Serializable {
    public SplitSummary {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, found " + count);
        }
        if (perClass == null) {
            throw new IllegalArgumentException("perClass is missing");
        }
        perClass = List.copyOf(perClass);
        long sum = perClass.stream().mapToLong(Long::longValue).sum();
        if (sum != count) {
            throw new IllegalArgumentException("perClass sums to " + sum + ", not to count " + count);
        }
    }
}
