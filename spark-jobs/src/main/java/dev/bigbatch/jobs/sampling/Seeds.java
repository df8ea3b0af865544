package dev.bigbatch.jobs.sampling;

/**
 * Derives independent 64-bit seeds from a run seed and coordinates (epoch, step, example id, purpose), so every random
 * choice is a function of what it is for, never of which executor or partition makes it.
 */
public final class Seeds {
    /** Purposes, so that e.g. the augmentation and the epoch permutation of the same epoch never share a stream. */
    public static final long PERMUTATION = 0x5045524DL;
    public static final long AUGMENTATION = 0x41554721L;
    public static final long STEP = 0x53544550L;
    public static final long TRAIN_SAMPLE = 0x54534D50L;
    public static final long BATCH_NORM_SAMPLE = 0x424E5243L;

    private Seeds() {
    }

    /** SplitMix64's finalizer (Steele, Lea, Flood 2014): a bijective avalanche mix. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** A seed for the tuple (seed, parts...), order-sensitive. */
    public static long derive(long seed, long... parts) {
        long h = mix(seed + 0x9E3779B97F4A7C15L);
        for (long p : parts) {
            h = mix(h ^ mix(p + 0x9E3779B97F4A7C15L));
        }
        return h;
    }
}
