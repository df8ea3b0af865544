package dev.bigbatch.jobs.train;

import dev.bigbatch.jobs.aggregate.GhostTree;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GhostPartitionerTest {
    @Test
    void ownerIsThePartitionWhoseRangeHoldsTheGhostBatch() {
        for (int ghosts = 1; ghosts < 70; ghosts++) {
            for (int parts = 1; parts < 20; parts++) {
                for (int p = 0; p < parts; p++) {
                    int[] r = GhostTree.ownedRange(p, parts, ghosts);
                    for (int j = r[0]; j < r[1]; j++) {
                        assertEquals(p, GhostPartitioner.ownerOf(j, parts, ghosts), j + " of " + ghosts + " over " + parts);
                    }
                }
            }
        }
    }
}
