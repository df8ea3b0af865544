package dev.bigbatch.jobs.sampling;

import java.util.Arrays;

/**
 * The fixed sample of training examples that {@code train.eval-train-sample} evaluates at every evaluation: {@code n}
 * ids drawn without replacement from 0..N−1 (the first n of a permutation seeded by the run seed alone, on its own
 * stream {@link Seeds#TRAIN_SAMPLE}), so it is the same examples at every evaluation, on resume, and whatever the
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
        int[] p = GlobalBatchSampler.shuffled((int) datasetSize, Seeds.derive(seed, Seeds.TRAIN_SAMPLE));
        long[] ids = new long[Math.min(n, p.length)];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = p[i];
        }
        Arrays.sort(ids);
        return ids;
    }
}
