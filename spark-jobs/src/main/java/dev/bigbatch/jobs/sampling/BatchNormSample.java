package dev.bigbatch.jobs.sampling;

/**
 * The fixed training sample over which {@code train.batch-norm-recalibration} recomputes batch-norm statistics: the
 * first n·g ids of a permutation of 0..N−1 seeded by the run seed alone, on its own stream
 * {@link Seeds#BATCH_NORM_SAMPLE}, cut in permutation order into n ghost batches of g. Like a training step's, the
 * ghost batches' members depend only on (seed, N, n, g), never on the partitioning, and the sample is the same at
 * every recalibration of a run and on resume.
 */
public final class BatchNormSample {
    private BatchNormSample() {
    }

    /**
     * The sample's ids, ghost batch j at positions [j·g, (j+1)·g): {@code min(batches, ⌊N / g⌋)} ghost batches, so at
     * most the whole split and never a partial ghost batch.
     */
    public static long[] ids(long datasetSize, int batches, int ghostSize, long seed) {
        if (datasetSize > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("training splits over 2^31 examples are not supported");
        }
        int[] p = GlobalBatchSampler.shuffled((int) datasetSize, Seeds.derive(seed, Seeds.BATCH_NORM_SAMPLE));
        long n = Math.min(batches, datasetSize / ghostSize) * ghostSize;
        long[] ids = new long[(int) n];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = p[i];
        }
        return ids;
    }
}
