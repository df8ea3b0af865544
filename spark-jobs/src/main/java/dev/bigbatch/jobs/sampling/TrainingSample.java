package dev.bigbatch.jobs.sampling;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The fixed sample of training examples that {@code train.eval-train-sample} evaluates at every evaluation: {@code n}
 * ids drawn without replacement from 0..N−1 by a partial Fisher–Yates shuffle seeded by the run seed alone (its own
 * stream, {@link Seeds#TRAIN_SAMPLE}), so it is the same examples at every evaluation, on resume, and whatever the
 * partitioning. Class balance follows the split's, up to sampling noise.
 */
public final class TrainingSample {
    private TrainingSample() {
    }

    /** The sample's ids in ascending order; all N ids when {@code n ≥ N}. */
    public static long[] ids(long datasetSize, int n, long seed) {
        if (datasetSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("training splits over 2^31 examples are not supported");
        }
        int size = (int) datasetSize;
        int take = Math.min(n, size);
        int[] p = new int[size];
        for (int i = 0; i < size; i++) {
            p[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, Seeds.TRAIN_SAMPLE));
        for (int i = 0; i < take; i++) {
            int j = i + rng.nextInt(size - i);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        long[] ids = new long[take];
        for (int i = 0; i < take; i++) {
            ids[i] = p[i];
        }
        Arrays.sort(ids);
        return ids;
    }
}
