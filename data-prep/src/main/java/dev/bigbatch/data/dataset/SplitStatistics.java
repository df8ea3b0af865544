package dev.bigbatch.data.dataset;

import java.util.Arrays;
import java.util.List;

/**
 * Counts and per-channel pixel moments of one split, accumulated record by record on the driver while it is
 * written. Sums are exact integers (a byte sum over 50,000 CIFAR images fits a long by six orders of magnitude), so
 * the mean and standard deviation do not depend on the order of the records.
 */
final class SplitStatistics {
    private final int channels;
    private final long[] perClass;
    private final long[] sums;
    private final long[] squares;
    private long count;
    private long pixelsPerChannel;

    SplitStatistics(int classes, int channels) {
        this.channels = channels;
        this.perClass = new long[classes];
        this.sums = new long[channels];
        this.squares = new long[channels];
    }

    /** Adds one image stored as unsigned bytes, channel planes one after another. */
    void add(int label, byte[] chw) {
        perClass[label]++;
        count++;
        int plane = chw.length / channels;
        for (int c = 0; c < channels; c++) {
            long s = 0;
            long q = 0;
            for (int i = c * plane, end = i + plane; i < end; i++) {
                int v = chw[i] & 0xFF;
                s += v;
                q += v * v;
            }
            sums[c] += s;
            squares[c] += q;
        }
        pixelsPerChannel += plane;
    }

    long count() {
        return count;
    }

    long[] perClass() {
        return perClass.clone();
    }

    SplitSummary summary() {
        return new SplitSummary(count, Arrays.stream(perClass).boxed().toList());
    }

    /** Per-channel mean of the pixels scaled to [0, 1]. */
    List<Double> mean() {
        return Arrays.stream(sums).mapToObj(s -> s / (255.0 * pixelsPerChannel)).toList();
    }

    /**
     * Per-channel population standard deviation of the pixels scaled to [0, 1]: sqrt(E[x^2] - E[x]^2). The two
     * moments are exact until the final division, so the cancellation costs no more than double rounding.
     */
    List<Double> std() {
        Double[] std = new Double[channels];
        for (int c = 0; c < channels; c++) {
            double n = pixelsPerChannel;
            double mean = sums[c] / n;
            double variance = Math.max(0, squares[c] / n - mean * mean);
            std[c] = Math.sqrt(variance) / 255.0;
        }
        return List.of(std);
    }
}
