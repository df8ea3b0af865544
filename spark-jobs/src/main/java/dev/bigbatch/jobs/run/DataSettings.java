package dev.bigbatch.jobs.run;

import dev.bigbatch.optimizer.config.ConfigReader;

/**
 * The {@code data} section.
 *
 * @param path       prepared dataset (any Hadoop URI); empty: generate a synthetic CIFAR-10-format set in the run
 *                   directory and prepare it (the quickstart)
 * @param partitions partitions the training split is cached in, and tasks per step
 * @param synthetic  size of the generated set when {@code path} is empty
 */
public record DataSettings(String path, int partitions, Synthetic synthetic) {
    public static final int DEFAULT_PARTITIONS = 2;

    /**
     * @param train   training examples
     * @param test    test examples
     * @param classes classes
     * @param seed    generator seed
     */
    public record Synthetic(int train, int test, int classes, long seed) {
        public static final int DEFAULT_TRAIN = 10_000;
        public static final int DEFAULT_TEST = 2_000;
        public static final int DEFAULT_CLASSES = 10;
        public static final long DEFAULT_SEED = 7;

        static Synthetic read(ConfigReader r) {
            int train = r.integer("train", DEFAULT_TRAIN, 1, 10_000_000);
            int test = r.integer("test", DEFAULT_TEST, 1, 10_000_000);
            int classes = r.integer("classes", DEFAULT_CLASSES, 2, 10);
            long seed = r.integer("seed", DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE);
            r.finish();
            return new Synthetic(train, test, classes, seed);
        }
    }

    public static DataSettings read(ConfigReader r) {
        String path = r.string("path", "");
        int partitions = r.integer("partitions", DEFAULT_PARTITIONS, 1, 1 << 20);
        Synthetic s = Synthetic.read(r.child("synthetic"));
        r.finish();
        return new DataSettings(path == null ? "" : path.trim(), partitions, s);
    }

    public boolean generate() {
        return path.isEmpty();
    }
}
