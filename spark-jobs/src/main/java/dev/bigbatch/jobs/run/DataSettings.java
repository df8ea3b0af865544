package dev.bigbatch.jobs.run;

import dev.bigbatch.data.cifar.CifarVariant;
import dev.bigbatch.jobs.data.ImageDecoders;
import dev.bigbatch.optimizer.config.ConfigError;
import dev.bigbatch.optimizer.config.ConfigReader;

/**
 * The {@code data} section.
 *
 * @param path       prepared dataset (any Hadoop URI); empty: generate a synthetic CIFAR-10-format set in the run
 *                   directory and prepare it (the quickstart)
 * @param partitions partitions the training split is cached in, and tasks per step
 * @param synthetic  size of the generated set when {@code path} is empty
 * @param imageSize  square input side for JPEG datasets ({@code image-size}); 0, the default, means the dataset's
 *                   own: {@value ImageDecoders#DEFAULT_JPEG_SIZE} for JPEG, the stored size for CIFAR-format data
 *                   (which cannot be fed at any other size)
 * @param decodeThreads background threads per task that decode and augment the next ghost batch while the current
 *                   one computes ({@code decode-threads}); 0 decodes inline, on the task's own thread
 * @param classes    the number of classes the dataset must list ({@code classes}), checked against its manifest when
 *                   training starts; {@value #CLASSES_FROM_MANIFEST}, the default: whatever it lists, unchecked
 */
public record DataSettings(String path, int partitions, Synthetic synthetic, int imageSize, int decodeThreads,
                           int classes) {
    public static final int DEFAULT_PARTITIONS = 2;
    /** One thread keeps one ghost batch decoding ahead of the computation; more help when decoding is the slower. */
    public static final int DEFAULT_DECODE_THREADS = 1;
    /** Far beyond any GPU's input size; catches a typo (2240) before memory does. */
    public static final int MAX_IMAGE_SIZE = 4096;
    /** The smallest input the networks accept (ModelSpec). */
    public static final int MIN_IMAGE_SIZE = 8;
    public static final int MAX_DECODE_THREADS = 256;
    /** {@code data.classes} unset: the model has as many outputs as the manifest lists classes, whatever that is. */
    public static final int CLASSES_FROM_MANIFEST = 0;
    /** Far beyond any dataset's (ImageNet-21k has 21,841 classes). */
    public static final int MAX_CLASSES = 1 << 20;

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
        int imageSize = r.integer("image-size", ImageDecoders.DATASET_SIZE, 0, MAX_IMAGE_SIZE);
        if (imageSize != ImageDecoders.DATASET_SIZE && imageSize < MIN_IMAGE_SIZE) {
            throw new ConfigError(r.fullKey("image-size"), "must be at least " + MIN_IMAGE_SIZE
                    + " (or 0 for the dataset's own size), found " + imageSize);
        }
        int decodeThreads = r.integer("decode-threads", DEFAULT_DECODE_THREADS, 0, MAX_DECODE_THREADS);
        int classes = r.integer("classes", CLASSES_FROM_MANIFEST, 0, MAX_CLASSES);
        if (classes == 1) {
            throw new ConfigError(r.fullKey("classes"), "must be at least 2 (a classifier needs two classes), or "
                    + CLASSES_FROM_MANIFEST + " for whatever the dataset lists; found 1");
        }
        r.finish();
        String dataset = path == null ? "" : path.trim();
        if (dataset.isEmpty() && imageSize != ImageDecoders.DATASET_SIZE && imageSize != CifarVariant.HEIGHT) {
            // Known before any data exists: the generated set is CIFAR-format, fed at its stored size (ImageDecoders).
            throw new ConfigError(r.fullKey("image-size"), "the generated dataset (data.path empty) stores "
                    + CifarVariant.HEIGHT + "x" + CifarVariant.WIDTH + " images, which are fed as they are; found "
                    + imageSize + ". Remove the key (or set it to " + CifarVariant.HEIGHT + "), or set data.path");
        }
        if (dataset.isEmpty() && classes != CLASSES_FROM_MANIFEST && classes != s.classes()) {
            // Known before any data exists: the generated set has data.synthetic.classes classes.
            throw new ConfigError(r.fullKey("classes"), "the generated dataset (data.path empty) has "
                    + "data.synthetic.classes = " + s.classes() + " classes; found " + classes + ". Remove the key "
                    + "(or set it to " + s.classes() + "), or set data.path to a dataset of " + classes + " classes");
        }
        return new DataSettings(dataset, partitions, s, imageSize, decodeThreads, classes);
    }

    public boolean generate() {
        return path.isEmpty();
    }
}
