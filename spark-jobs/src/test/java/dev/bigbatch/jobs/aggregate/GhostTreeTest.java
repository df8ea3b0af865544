package dev.bigbatch.jobs.aggregate;

import dev.bigbatch.optimizer.stats.StepSums;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GhostTreeTest {

    /** Leaves with values of very different magnitudes, so that summation order shows in the low bits. */
    static StepSums leaf(int i) {
        Random r = new Random(1000 + i);
        float[] g = new float[64];
        for (int k = 0; k < g.length; k++) {
            g[k] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(8) - 4));
        }
        StepSums s = new StepSums();
        s.addExamples(1, r.nextDouble(), i % 2, 1);
        s.addGradient(Nd4j.createFromArray(g), 1.0);
        return s;
    }

    static StepSums partitioned(int ghosts, int partitions, boolean shuffleArrival) {
        List<RangeSum> nodes = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            int[] r = GhostTree.ownedRange(p, partitions, ghosts);
            nodes.addAll(GhostTree.sumRange(r[0], r[1], ghosts, GhostTreeTest::leaf));
        }
        if (shuffleArrival) {
            Collections.shuffle(nodes, new Random(partitions));
        }
        return GhostTree.root(nodes, ghosts);
    }

    @Test
    void sameBitsForEveryPartitionCountAndArrivalOrder() {
        for (int ghosts : new int[]{1, 2, 5, 13, 16, 33}) {
            StepSums one = partitioned(ghosts, 1, false);
            for (int p = 2; p <= 9; p++) {
                StepSums other = partitioned(ghosts, p, true);
                assertArrayEquals(one.gradientSum(), other.gradientSum(), "G=" + ghosts + " P=" + p);
                assertEquals(one.lossSum(), other.lossSum(), 0.0);
                assertEquals(one.count(), other.count());
                assertEquals(one.correctTop1(), other.correctTop1());
            }
        }
    }

    @Test
    void leftToRightSummationWouldDiffer() {
        // Guards the test above: with these leaves, a plain sequential sum differs in the low bits from the tree,
        // so equality above is not an accident of the data.
        int ghosts = 13;
        StepSums seq = new StepSums();
        for (int i = 0; i < ghosts; i++) {
            seq.merge(leaf(i));
        }
        assertFalse(java.util.Arrays.equals(seq.gradientSum(), partitioned(ghosts, 1, false).gradientSum()));
    }

    @Test
    void multiLevelCombineEqualsRoot() {
        int ghosts = 37;
        List<RangeSum> nodes = new ArrayList<>();
        for (int p = 0; p < 11; p++) {
            int[] r = GhostTree.ownedRange(p, 11, ghosts);
            nodes.addAll(GhostTree.sumRange(r[0], r[1], ghosts, GhostTreeTest::leaf));
        }
        int groups = 3;
        List<RangeSum> level = new ArrayList<>();
        for (int gIdx = 0; gIdx < groups; gIdx++) {
            final int gi = gIdx;
            level.addAll(GhostTree.combine(nodes.stream().filter(n -> (long) n.lo() * groups / ghosts == gi).toList(), ghosts));
        }
        assertTrue(level.size() < nodes.size());
        assertArrayEquals(partitioned(ghosts, 1, false).gradientSum(), GhostTree.root(level, ghosts).gradientSum());
    }

    @Test
    void canonicalNodesCoverTheRangeWithAlignedNodes() {
        for (int ghosts = 1; ghosts < 40; ghosts++) {
            for (int a = 0; a < ghosts; a++) {
                for (int b = a + 1; b <= ghosts; b++) {
                    int next = a;
                    for (int[] n : GhostTree.canonicalNodes(a, b, ghosts)) {
                        assertEquals(next, n[0]);
                        assertEquals(0, n[0] % (1 << n[1]), "aligned");
                        next = (int) Math.min(n[0] + (1L << n[1]), ghosts);
                    }
                    assertEquals(b, next);
                }
            }
        }
    }

    @Test
    void missingOrDuplicateGhostBatchIsAnError() {
        List<RangeSum> nodes = new ArrayList<>(GhostTree.sumRange(0, 4, 8, GhostTreeTest::leaf));
        assertThrows(IllegalStateException.class, () -> GhostTree.root(nodes, 8));
        List<RangeSum> dup = new ArrayList<>(GhostTree.sumRange(0, 4, 4, GhostTreeTest::leaf));
        dup.addAll(GhostTree.sumRange(0, 4, 4, GhostTreeTest::leaf));
        assertThrows(IllegalStateException.class, () -> GhostTree.root(dup, 4));
    }
}
