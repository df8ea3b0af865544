package dev.bigbatch.jobs.aggregate;

import dev.bigbatch.optimizer.stats.StepSums;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Sums a step's per-ghost-batch {@link StepSums} along one fixed binary tree over the ghost-batch index, so that the
 * result has the same bits however the ghost batches are spread over partitions and however Spark orders the merges.
 *
 * <p>Why: Spark's {@code treeAggregate} folds partition results on the driver in task-completion order, and float
 * addition is not associative, so the same step can give different bits from run to run (and a retried task changes
 * them). Here every partial sum is a node of the tree over ghost indices {@code 0..G-1} (padded to a power of two;
 * a node covers {@code [lo, min(lo + 2^level, G))}), and a parent is always left + right. Float addition is
 * commutative, so the bits depend only on the tree, which depends only on G. A partition owning the contiguous
 * range [a, b) returns the canonical nodes covering it (one node when the partition count is a power of two
 * dividing G; at most about 2·log2(G) otherwise).
 */
public final class GhostTree {
    private GhostTree() {
    }

    /** ⌈log2 G⌉: the level of the root. */
    public static int rootLevel(int ghostCount) {
        return ghostCount <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(ghostCount - 1);
    }

    /** The ghost batches partition {@code p} of {@code partitions} owns: contiguous, balanced. */
    public static int[] ownedRange(int p, int partitions, int ghostCount) {
        int a = (int) ((long) p * ghostCount / partitions);
        int b = (int) ((long) (p + 1) * ghostCount / partitions);
        return new int[]{a, b};
    }

    /**
     * The canonical tree nodes covering [a, b), left to right: each the largest aligned node starting at its lo
     * that stays within [a, b) (a node reaching past G counts as ending at G).
     */
    public static List<int[]> canonicalNodes(int a, int b, int ghostCount) {
        int root = rootLevel(ghostCount);
        List<int[]> out = new ArrayList<>();
        int lo = a;
        while (lo < b) {
            int level = lo == 0 ? root : Math.min(root, Integer.numberOfTrailingZeros(lo));
            while (level > 0 && Math.min((long) lo + (1L << level), ghostCount) > b) {
                level--;
            }
            out.add(new int[]{lo, level});
            lo = (int) Math.min((long) lo + (1L << level), ghostCount);
        }
        return out;
    }

    /**
     * Computes the canonical nodes of [a, b), taking each leaf from {@code leaf} in index order exactly once; at most
     * about log2(b − a) partial sums are alive at a time.
     */
    public static List<RangeSum> sumRange(int a, int b, int ghostCount, IntFunction<StepSums> leaf) {
        List<RangeSum> out = new ArrayList<>();
        for (int[] node : canonicalNodes(a, b, ghostCount)) {
            out.add(new RangeSum(node[0], node[1], sumNode(node[0], node[1], ghostCount, leaf)));
        }
        return out;
    }

    /** Sums one node from its leaves with a binary counter, which reproduces the tree's parenthesization. */
    private static StepSums sumNode(int lo, int level, int ghostCount, IntFunction<StepSums> leaf) {
        int hi = (int) Math.min((long) lo + (1L << level), ghostCount);
        Deque<RangeSum> stack = new ArrayDeque<>();
        for (int i = lo; i < hi; i++) {
            RangeSum cur = new RangeSum(i, 0, leaf.apply(i));
            while (!stack.isEmpty() && stack.peek().level() == cur.level()) {
                RangeSum left = stack.pop();
                cur = new RangeSum(left.lo(), left.level() + 1, left.sums().merge(cur.sums()));
            }
            stack.push(cur);
        }
        // Leftovers (a node clipped at G) have decreasing sizes from bottom to top: merge from the right, as the
        // tree does, where the missing right halves are empty.
        StepSums acc = stack.pop().sums();
        while (!stack.isEmpty()) {
            acc = stack.pop().sums().merge(acc);
        }
        return acc;
    }

    /**
     * Combines nodes covering a contiguous range into that range's canonical nodes, following the tree. With nodes
     * covering [0, G) the result is the single root.
     */
    public static List<RangeSum> combine(List<RangeSum> nodes, int ghostCount) {
        if (nodes.isEmpty()) {
            return List.of();
        }
        Map<Long, RangeSum> byKey = new HashMap<>();
        int a = Integer.MAX_VALUE;
        int b = Integer.MIN_VALUE;
        for (RangeSum n : nodes) {
            if (byKey.put(key(n.lo(), n.level()), n) != null) {
                throw new IllegalStateException("ghost-batch node [" + n.lo() + ", level " + n.level() + "] arrived twice");
            }
            a = Math.min(a, n.lo());
            b = Math.max(b, (int) Math.min(n.lo() + n.span(), ghostCount));
        }
        List<RangeSum> out = new ArrayList<>();
        for (int[] node : canonicalNodes(a, b, ghostCount)) {
            StepSums s = build(node[0], node[1], ghostCount, byKey);
            if (s == null) {
                throw new IllegalStateException("ghost batches " + node[0] + ".. are missing from the aggregation");
            }
            out.add(new RangeSum(node[0], node[1], s));
        }
        return out;
    }

    /** Combines nodes covering all of [0, G) into the step's total. */
    public static StepSums root(List<RangeSum> nodes, int ghostCount) {
        List<RangeSum> r = combine(nodes, ghostCount);
        if (r.size() != 1 || r.get(0).lo() != 0 || r.get(0).span() < ghostCount) {
            throw new IllegalStateException("aggregated nodes do not cover all " + ghostCount + " ghost batches");
        }
        return r.get(0).sums();
    }

    private static StepSums build(int lo, int level, int ghostCount, Map<Long, RangeSum> byKey) {
        if (lo >= ghostCount) {
            return null;
        }
        RangeSum found = byKey.get(key(lo, level));
        if (found != null) {
            return found.sums();
        }
        if (level == 0) {
            throw new IllegalStateException("ghost batch " + lo + " is missing from the aggregation");
        }
        StepSums left = build(lo, level - 1, ghostCount, byKey);
        StepSums right = build(lo + (1 << (level - 1)), level - 1, ghostCount, byKey);
        if (left == null) {
            throw new IllegalStateException("ghost batch " + lo + " is missing from the aggregation");
        }
        return right == null ? left : left.merge(right);
    }

    private static long key(int lo, int level) {
        return ((long) lo << 8) | level;
    }
}
