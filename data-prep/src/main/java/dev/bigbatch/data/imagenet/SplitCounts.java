package dev.bigbatch.data.imagenet;

import java.util.Map;
import java.util.TreeMap;

/**
 * What happened to one split's files. {@code read = written + quarantined} always; {@code conversions} counts the
 * written files that needed more than a resize (grayscale, CMYK, PNG...), by kind.
 *
 * @param classCounts written images per class index
 */
public record SplitCounts(String split, long read, long written, long quarantined, long[] classCounts,
                          Map<String, Long> conversions) {

    /** Whether the counts add up: read = written + quarantined, and the per-class counts sum to written. */
    public boolean reconciles() {
        long perClass = 0;
        for (long c : classCounts) {
            perClass += c;
        }
        return read == written + quarantined && perClass == written;
    }

    /** Fraction of files read that were quarantined (0 for an empty split). */
    public double quarantinedFraction() {
        return read == 0 ? 0 : (double) quarantined / read;
    }

    /** One line for the end-of-job summary. */
    public String summary() {
        long converted = conversions.values().stream().mapToLong(Long::longValue).sum();
        return String.format("%-5s read %d = written %d + quarantined %d (%.4f%%); converted %d %s", split, read,
                written, quarantined, 100 * quarantinedFraction(), converted, new TreeMap<>(conversions));
    }
}
