package dev.bigbatch.optimizer.kfac;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InverseAssignmentTest {

    @Test
    void everyFactorIsAssignedExactlyOnce() {
        int[] dims = {4609, 2305, 1153, 577, 513, 257, 2305, 10, 1153};
        for (int k : new int[]{1, 2, 3, 8, 20}) {
            List<int[]> a = InverseAssignment.assign(dims, k);
            assertEquals(k, a.size());
            int[] all = a.stream().flatMapToInt(Arrays::stream).sorted().toArray();
            assertArrayEquals(new int[]{0, 1, 2, 3, 4, 5, 6, 7, 8}, all, "k = " + k);
        }
    }

    @Test
    void largestFactorsGoToSeparateTasksFirst() {
        // Costs 27, 8, 8, 1, 1: LPT puts 27 alone and 8+8+1+1 = 18 together.
        List<int[]> a = InverseAssignment.assign(new int[]{2, 3, 1, 2, 1}, 2);
        assertArrayEquals(new int[]{1}, a.get(0));
        assertArrayEquals(new int[]{0, 2, 3, 4}, a.get(1));
    }

    @Test
    void isDeterministic() {
        int[] dims = {5, 5, 5, 5, 3, 3};
        // Worked by hand: the 5s go to tasks 0, 1, 2, then (all tied at 125) to the lowest task, 0; the 3s to the
        // least loaded tasks, ties to the lower index: 1, then 2.
        assertEquals("[[0, 3], [1, 4], [2, 5]]", render(InverseAssignment.assign(dims, 3)));
    }

    /** Graham's bound for LPT, makespan ≤ (4/3 − 1/(3k)) · optimum, against the optimum found by enumeration. */
    @Test
    void staysWithinGrahamsBoundOfTheOptimum() {
        Random r = new Random(5);
        for (int trial = 0; trial < 200; trial++) {
            int count = 2 + r.nextInt(7);
            int k = 2 + r.nextInt(2);
            int[] dims = new int[count];
            for (int i = 0; i < count; i++) {
                dims[i] = 1 + r.nextInt(12);
            }
            double lpt = Arrays.stream(InverseAssignment.loads(dims, InverseAssignment.assign(dims, k))).max().orElseThrow();
            double best = optimum(dims, k);
            assertTrue(lpt <= (4.0 / 3 - 1.0 / (3 * k)) * best + 1e-9, Arrays.toString(dims) + " k=" + k);
        }
    }

    @Test
    void needsATask() {
        assertThrows(IllegalArgumentException.class, () -> InverseAssignment.assign(new int[]{3}, 0));
    }

    private static double optimum(int[] dims, int k) {
        double best = Double.MAX_VALUE;
        int[] choice = new int[dims.length];
        long total = (long) Math.pow(k, dims.length);
        for (long code = 0; code < total; code++) {
            long c = code;
            double[] load = new double[k];
            for (int i = 0; i < dims.length; i++) {
                choice[i] = (int) (c % k);
                c /= k;
                load[choice[i]] += InverseAssignment.cost(dims[i]);
            }
            best = Math.min(best, Arrays.stream(load).max().orElseThrow());
        }
        return best;
    }

    private static String render(List<int[]> a) {
        return a.stream().map(Arrays::toString).toList().toString();
    }
}
