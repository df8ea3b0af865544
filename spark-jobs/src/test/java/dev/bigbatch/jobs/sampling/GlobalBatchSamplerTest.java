package dev.bigbatch.jobs.sampling;

import dev.bigbatch.optimizer.config.ConfigError;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GlobalBatchSamplerTest {
    @Test
    void eachEpochVisitsDistinctExamplesAndEpochsDiffer() {
        GlobalBatchSampler s = new GlobalBatchSampler(1000, 96, 32, 9);
        assertEquals(10, s.stepsPerEpoch());
        Set<Long> seen = new HashSet<>();
        for (int step = 0; step < 10; step++) {
            for (long id : s.exampleIds(step)) {
                assertTrue(id >= 0 && id < 1000);
                assertTrue(seen.add(id), "example " + id + " twice in one epoch");
            }
        }
        assertEquals(960, seen.size());
        assertEquals(1, s.epochOf(10));
        assertFalse(Arrays.equals(s.exampleIds(0), s.exampleIds(10)), "epoch 2 must reshuffle");
    }

    @Test
    void stepsDependOnlyOnSeedEpochAndStep() {
        GlobalBatchSampler a = new GlobalBatchSampler(500, 64, 16, 3);
        GlobalBatchSampler b = new GlobalBatchSampler(500, 64, 16, 3);
        // Different query order (b jumps to epoch 3 first): same answers.
        long[] late = b.exampleIds(23);
        assertArrayEquals(a.exampleIds(5), b.exampleIds(5));
        assertArrayEquals(a.exampleIds(23), late);
        assertFalse(Arrays.equals(a.exampleIds(5), new GlobalBatchSampler(500, 64, 16, 4).exampleIds(5)));
    }

    @Test
    void badSizesAreConfigErrorsNamingTheKey() {
        ConfigError e = assertThrows(ConfigError.class, () -> new GlobalBatchSampler(1000, 100, 32, 1));
        assertEquals("train.global-batch-size", e.key());
        ConfigError big = assertThrows(ConfigError.class, () -> new GlobalBatchSampler(100, 128, 32, 1));
        assertTrue(big.getMessage().contains("larger than the training split"));
    }
}
