package dev.bigbatch.jobs.sampling;

import dev.bigbatch.optimizer.config.ConfigError;

import java.util.SplittableRandom;

/**
 * Which examples form each step: a function of (seed, epoch, step) only, independent of partitions and executors.
 *
 * <p>Each epoch visits the training split in a fresh random order (a Fisher–Yates permutation seeded by
 * (seed, epoch)); step s of the run is step {@code s mod S} of epoch {@code s / S}, with S = ⌊N / B⌋ steps per epoch
 * (the last N mod B examples of each permutation are left for that epoch, as with {@code drop_last}). The step's B
 * examples are cut, in permutation order, into B / g ghost batches of g: ghost batch j of a step is always the same
 * examples, whatever the partitioning, and is the unit of batch-normalization statistics.
 */
public final class GlobalBatchSampler {
    private final long datasetSize;
    private final int globalBatch;
    private final int ghostSize;
    private final long seed;
    private final long stepsPerEpoch;
    private int cachedEpoch = -1;
    private int[] cachedPermutation;

    public GlobalBatchSampler(long datasetSize, int globalBatch, int ghostSize, long seed) {
        if (globalBatch % ghostSize != 0) {
            throw new ConfigError("train.global-batch-size", "must be a multiple of train.ghost-batch-size ("
                    + ghostSize + "), found " + globalBatch);
        }
        checkFits(datasetSize, globalBatch, "the training split");
        if (datasetSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("training splits over 2^31 examples are not supported");
        }
        this.datasetSize = datasetSize;
        this.globalBatch = globalBatch;
        this.ghostSize = ghostSize;
        this.seed = seed;
        this.stepsPerEpoch = datasetSize / globalBatch;
    }

    /**
     * A step takes {@code globalBatch} distinct examples of the split, so it must hold at least that many; checked when
     * training starts, as soon as the split's size is known.
     *
     * @param split what the {@code datasetSize} examples are, for the message, e.g. "the training split of URI"
     * @throws ConfigError naming {@code train.global-batch-size}, both sizes and what to do
     */
    public static void checkFits(long datasetSize, int globalBatch, String split) {
        if (datasetSize < globalBatch) {
            throw new ConfigError("train.global-batch-size", globalBatch + " is larger than " + split + " ("
                    + datasetSize + " examples); a step takes that many distinct examples: lower it to at most "
                    + datasetSize + " (a multiple of train.ghost-batch-size), or train on a larger dataset");
        }
    }

    public long stepsPerEpoch() {
        return stepsPerEpoch;
    }

    public int ghostBatchesPerStep() {
        return globalBatch / ghostSize;
    }

    public int ghostSize() {
        return ghostSize;
    }

    public int epochOf(long step) {
        return Math.toIntExact(step / stepsPerEpoch);
    }

    /** The example ids of {@code step}, ghost batch after ghost batch (ghost j = positions [j·g, (j+1)·g)). */
    public long[] exampleIds(long step) {
        int epoch = epochOf(step);
        int[] perm = permutation(epoch);
        int start = Math.toIntExact((step % stepsPerEpoch) * globalBatch);
        long[] ids = new long[globalBatch];
        for (int i = 0; i < globalBatch; i++) {
            ids[i] = perm[start + i];
        }
        return ids;
    }

    /** Fisher–Yates (Durstenfeld) over 0..N-1, seeded by (seed, epoch). */
    synchronized int[] permutation(int epoch) {
        if (epoch != cachedEpoch) {
            cachedPermutation = shuffled((int) datasetSize, Seeds.derive(seed, Seeds.PERMUTATION, epoch));
            cachedEpoch = epoch;
        }
        return cachedPermutation;
    }

    /** A uniformly random permutation of 0..n-1: Fisher–Yates (Durstenfeld) driven by a SplittableRandom(seed). */
    public static int[] shuffled(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
