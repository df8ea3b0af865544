package dev.bigbatch.data.imagenet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SplitStatisticsTest {

    private static List<ImageOutcome> outcomes(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<ImageOutcome> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (r.nextInt(5) == 0) {
                list.add(new ImageOutcome.Quarantined("q" + i, "bad"));
            } else {
                double v = r.nextInt(256);
                list.add(new ImageOutcome.Converted("c" + i, r.nextInt(4), new byte[1 + r.nextInt(9)], 2, 2,
                        r.nextBoolean() ? null : "PNG content -> JPEG", new double[] {4 * v, 4 * v, 4 * v},
                        new double[] {4 * v * v, 4 * v * v, 4 * v * v}, 4));
            }
        }
        return list;
    }

    @Test
    void mergeOfPartitionsEqualsOneSequentialPassInAnyOrder() {
        List<ImageOutcome> all = outcomes(300, 1);
        SplitStatistics sequential = SplitStatistics.zero(4);
        all.forEach(sequential::add);
        SplitStatistics a = SplitStatistics.zero(4);
        SplitStatistics b = SplitStatistics.zero(4);
        SplitStatistics c = SplitStatistics.zero(4);
        all.subList(0, 100).forEach(a::add);
        all.subList(100, 170).forEach(b::add);
        all.subList(170, 300).forEach(c::add);
        SplitCounts merged = SplitStatistics.zero(4).merge(c).merge(a).merge(b).counts("train");
        SplitCounts expected = sequential.counts("train");
        assertEquals(expected.read(), merged.read());
        assertEquals(expected.written(), merged.written());
        assertEquals(expected.quarantined(), merged.quarantined());
        assertArrayEquals(expected.classCounts(), merged.classCounts());
        assertEquals(expected.conversions(), merged.conversions());
        assertTrue(merged.reconciles());
        assertEquals(300, merged.read());
    }

    @Test
    void meanAndStdArePixelWeightedOverTheSplit() {
        SplitStatistics s = SplitStatistics.zero(1);
        // two 1-pixel images of value 0 and 255 in every channel: mean 0.5, population std 0.5
        s.add(new ImageOutcome.Converted("a", 0, new byte[1], 1, 1, null, new double[3], new double[3], 1));
        s.add(new ImageOutcome.Converted("b", 0, new byte[1], 1, 1, null, new double[] {255, 255, 255},
                new double[] {65025, 65025, 65025}, 1));
        assertArrayEquals(new double[] {0.5, 0.5, 0.5}, s.channelMean(), 1e-12);
        assertArrayEquals(new double[] {0.5, 0.5, 0.5}, s.channelStd(), 1e-12);
    }

    @Test
    void countsDoNotReconcileWhenPerClassCountsDisagree() {
        SplitCounts bad = new SplitCounts("val", 3, 2, 1, new long[] {1, 0}, Map.of());
        assertTrue(!bad.reconciles());
        assertEquals(1.0 / 3, bad.quarantinedFraction(), 1e-15);
    }
}
