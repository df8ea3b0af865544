package dev.bigbatch.bench;

import java.util.List;
import java.util.OptionalLong;

/**
 * The convergence criterion of the optimizer benchmarks: the first logged step t at which the mean training loss of
 * the last {@code window} logged steps (t included) is at most the target. A moving mean rather than the raw loss, so
 * that one lucky global batch does not count as arriving; it can only report a step once {@code window} steps have
 * been logged. With every step logged (the benchmark logs every step) "logged steps" are simply steps.
 *
 * @param target training-loss target
 * @param window number of logged steps in the moving mean, at least 1
 */
public record StepsToTarget(double target, int window) {
    public StepsToTarget {
        if (!(target > 0) || window < 1) {
            throw new IllegalArgumentException("target must be > 0 and window >= 1, found " + target + ", " + window);
        }
    }

    /** One logged training step: the step number (1-based, as in metrics.jsonl) and its mean training loss. */
    public record Point(long step, double loss) {
    }

    /**
     * The first step whose trailing mean is at or below the target, or empty if none is; a non-finite loss (a
     * diverged run) ends the search.
     *
     * @param curve logged training steps in increasing step order
     */
    public OptionalLong firstReached(List<Point> curve) {
        for (int i = 0; i < curve.size(); i++) {
            if (!Double.isFinite(curve.get(i).loss())) {
                return OptionalLong.empty();
            }
            if (i + 1 >= window && smoothed(curve, i) <= target) {
                return OptionalLong.of(curve.get(i).step());
            }
        }
        return OptionalLong.empty();
    }

    /** The mean loss of the {@code window} points ending at index {@code i} (fewer at the start of the curve). */
    public double smoothed(List<Point> curve, int i) {
        int from = Math.max(0, i - window + 1);
        double s = 0;
        for (int j = from; j <= i; j++) {
            s += curve.get(j).loss();
        }
        return s / (i - from + 1);
    }
}
