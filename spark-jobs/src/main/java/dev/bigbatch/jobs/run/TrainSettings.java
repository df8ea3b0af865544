package dev.bigbatch.jobs.run;

import dev.bigbatch.optimizer.config.ConfigError;
import dev.bigbatch.optimizer.config.ConfigReader;

/**
 * The {@code train} section.
 *
 * @param globalBatchSize examples per step, over all executors
 * @param ghostBatchSize  examples per batch-normalization batch and per forward/backward pass
 * @param steps           steps to run; 0 means {@code epochs} full passes
 * @param epochs          used when steps is 0
 * @param seed            seed of sampling, augmentation and initialization
 * @param evalEvery       evaluate on the test split every this many steps (0: only at the end)
 * @param logEvery        log and record training metrics every this many steps
 * @param evalBatchSize   examples per inference batch in evaluation
 * @param augment         training augmentation on or off
 */
public record TrainSettings(int globalBatchSize, int ghostBatchSize, long steps, int epochs, long seed, long evalEvery,
                            long logEvery, int evalBatchSize, boolean augment) {
    public static final int DEFAULT_GLOBAL_BATCH = 512;
    public static final int DEFAULT_GHOST_BATCH = 32;
    public static final long DEFAULT_STEPS = 0;
    public static final int DEFAULT_EPOCHS = 1;
    public static final long DEFAULT_SEED = 42;
    public static final long DEFAULT_EVAL_EVERY = 0;
    public static final long DEFAULT_LOG_EVERY = 10;
    public static final int DEFAULT_EVAL_BATCH = 256;

    public static TrainSettings read(ConfigReader r) {
        int ghost = r.integer("ghost-batch-size", DEFAULT_GHOST_BATCH, 1, 1 << 16);
        int global = r.integer("global-batch-size", DEFAULT_GLOBAL_BATCH, 1, 1 << 24);
        if (global % ghost != 0) {
            throw new ConfigError(r.fullKey("global-batch-size"), "must be a multiple of train.ghost-batch-size ("
                    + ghost + "), found " + global);
        }
        long steps = r.integer("steps", DEFAULT_STEPS, 0L, Long.MAX_VALUE / 2);
        int epochs = r.integer("epochs", DEFAULT_EPOCHS, 0, 1_000_000);
        if (steps == 0 && epochs == 0) {
            throw new ConfigError(r.fullKey("steps"), "train.steps and train.epochs are both 0; set one of them");
        }
        long seed = r.integer("seed", DEFAULT_SEED, Long.MIN_VALUE, Long.MAX_VALUE);
        long evalEvery = r.integer("eval-every", DEFAULT_EVAL_EVERY, 0L, Long.MAX_VALUE);
        long logEvery = r.integer("log-every", DEFAULT_LOG_EVERY, 1L, Long.MAX_VALUE);
        int evalBatch = r.integer("eval-batch-size", DEFAULT_EVAL_BATCH, 1, 1 << 16);
        boolean augment = r.bool("augment", true);
        r.finish();
        return new TrainSettings(global, ghost, steps, epochs, seed, evalEvery, logEvery, evalBatch, augment);
    }

    /** Steps of the run for a training split of {@code stepsPerEpoch} steps per epoch. */
    public long totalSteps(long stepsPerEpoch) {
        return steps > 0 ? steps : epochs * stepsPerEpoch;
    }
}
