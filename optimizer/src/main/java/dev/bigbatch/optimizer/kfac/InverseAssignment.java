package dev.bigbatch.optimizer.kfac;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Assigns factors to k tasks so that the largest task's cost Σ n³ is small: greedy longest-processing-time-first
 * (Graham 1969; within 4/3 − 1/(3k) of the optimum). Deterministic: ties go to the lower factor index and the lower
 * task index, so every run (and a retried job) builds the same tasks.
 */
public final class InverseAssignment {
    private InverseAssignment() {
    }

    /**
     * @param dims  dimension n of each factor
     * @param tasks k ≥ 1
     * @return for each task, the indices into {@code dims} it decomposes, ascending; tasks may be empty
     */
    public static List<int[]> assign(int[] dims, int tasks) {
        if (tasks < 1) {
            throw new IllegalArgumentException("need at least one task, found " + tasks);
        }
        Integer[] order = IntStream.range(0, dims.length).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.<Integer>comparingDouble(i -> -cost(dims[i])).thenComparingInt(i -> i));
        double[] load = new double[tasks];
        List<List<Integer>> members = new ArrayList<>();
        for (int t = 0; t < tasks; t++) {
            members.add(new ArrayList<>());
        }
        for (int i : order) {
            int best = 0;
            for (int t = 1; t < tasks; t++) {
                if (load[t] < load[best]) {
                    best = t;
                }
            }
            load[best] += cost(dims[i]);
            members.get(best).add(i);
        }
        return members.stream().map(m -> m.stream().mapToInt(Integer::intValue).sorted().toArray()).toList();
    }

    /** The cost model: n³. */
    public static double cost(int n) {
        return (double) n * n * n;
    }

    /** Σ n³ of each task of {@code assignment}. */
    public static double[] loads(int[] dims, List<int[]> assignment) {
        return assignment.stream().mapToDouble(task -> Arrays.stream(task).mapToDouble(i -> cost(dims[i])).sum()).toArray();
    }
}
