package dev.bigbatch.data.imagenet;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts and pixel moments of one split, as a monoid over {@link ImageOutcome}s ({@link #zero}, {@link #add},
 * {@link #merge}: associative and commutative), aggregated with Spark's {@code treeAggregate}. Mutable for speed
 * inside one partition; {@link #counts} is the immutable result.
 */
public final class SplitStatistics implements Serializable {

    private long read;
    private long written;
    private long quarantined;
    private long encodedBytes;
    private long pixels;
    private final long[] classCounts;
    private final TreeMap<String, Long> conversions = new TreeMap<>();
    private final double[] channelSum = new double[3];
    private final double[] channelSumSquares = new double[3];

    private SplitStatistics(int classes) {
        this.classCounts = new long[classes];
    }

    public static SplitStatistics zero(int classes) {
        return new SplitStatistics(classes);
    }

    public SplitStatistics add(ImageOutcome outcome) {
        read++;
        if (outcome instanceof ImageOutcome.Converted c) {
            written++;
            classCounts[c.label()]++;
            encodedBytes += c.jpeg().length;
            pixels += c.pixels();
            for (int ch = 0; ch < 3; ch++) {
                channelSum[ch] += c.channelSum()[ch];
                channelSumSquares[ch] += c.channelSumSquares()[ch];
            }
            if (c.conversion() != null) {
                conversions.merge(c.conversion(), 1L, Long::sum);
            }
        } else {
            quarantined++;
        }
        return this;
    }

    public SplitStatistics merge(SplitStatistics other) {
        read += other.read;
        written += other.written;
        quarantined += other.quarantined;
        encodedBytes += other.encodedBytes;
        pixels += other.pixels;
        for (int k = 0; k < classCounts.length; k++) {
            classCounts[k] += other.classCounts[k];
        }
        other.conversions.forEach((kind, n) -> conversions.merge(kind, n, Long::sum));
        for (int ch = 0; ch < 3; ch++) {
            channelSum[ch] += other.channelSum[ch];
            channelSumSquares[ch] += other.channelSumSquares[ch];
        }
        return this;
    }

    /** Bytes of re-encoded JPEG written. */
    public long encodedBytes() {
        return encodedBytes;
    }

    /** Per-channel (RGB) pixel mean on the [0, 1] scale, over every pixel of every written image. */
    public double[] channelMean() {
        double[] mean = new double[3];
        for (int ch = 0; ch < 3; ch++) {
            mean[ch] = channelSum[ch] / pixels / 255.0;
        }
        return mean;
    }

    /** Per-channel (RGB) pixel standard deviation on the [0, 1] scale, population form: sqrt(E[x^2] - E[x]^2). */
    public double[] channelStd() {
        double[] std = new double[3];
        for (int ch = 0; ch < 3; ch++) {
            double mean = channelSum[ch] / pixels;
            double variance = Math.max(0, channelSumSquares[ch] / pixels - mean * mean); // clamp rounding below 0
            std[ch] = Math.sqrt(variance) / 255.0;
        }
        return std;
    }

    /** The immutable counts of split {@code split}. */
    public SplitCounts counts(String split) {
        return new SplitCounts(split, read, written, quarantined, classCounts.clone(), Map.copyOf(conversions));
    }
}
