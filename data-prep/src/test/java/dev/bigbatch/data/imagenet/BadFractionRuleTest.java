package dev.bigbatch.data.imagenet;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

class BadFractionRuleTest {

    private static final ImagenetPreparationOptions OPTIONS =
            ImagenetPreparationOptions.of("t", "v", null, "o").withLimits(0.01, 1 << 20);
    private static final Path OUT = new Path("/data/out");

    private static SplitCounts counts(String split, long read, long quarantined) {
        return new SplitCounts(split, read, read - quarantined, quarantined, new long[] {read - quarantined},
                Map.of());
    }

    @Test
    void atTheLimitPasses() {
        assertNull(ImagenetPreparation.badFractionFailure(List.of(counts("train", 1000, 10), counts("val", 100, 1)),
                OPTIONS, OUT));
    }

    @Test
    void aboveTheLimitInAnySplitFailsNamingTheSplitAndTheOption() {
        String m = ImagenetPreparation.badFractionFailure(List.of(counts("train", 1000, 10), counts("val", 100, 2)),
                OPTIONS, OUT);
        assertTrue(m.contains("2 of 100 val files (2.000%)") && m.contains("--max-bad-fraction 0.01")
                && m.contains("/data/out/quarantine.jsonl"), m);
    }

    @Test
    void emptyOrAllBadSplitsFailEvenWithoutALimit() {
        ImagenetPreparationOptions lenient = OPTIONS.withLimits(1.0, 1 << 20);
        String none = ImagenetPreparation.badFractionFailure(List.of(counts("val", 0, 0)), lenient, OUT);
        assertTrue(none.contains("found no val files"), none);
        String allBad = ImagenetPreparation.badFractionFailure(List.of(counts("train", 5, 5)), lenient, OUT);
        assertTrue(allBad.contains("no train image could be converted (5 files read"), allBad);
    }
}
