package dev.bigbatch.jobs.run;

import dev.bigbatch.jobs.checkpoint.CheckpointCadence;
import dev.bigbatch.optimizer.config.ConfigError;
import dev.bigbatch.optimizer.config.ConfigReader;

import java.util.List;

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
 * @param trainSample     at every evaluation, also evaluate a fixed seeded sample of this many training examples (0: off)
 * @param batchNormRecalibration ghost batches of a fixed training sample over which batch-norm running statistics are
 *                        recomputed at the evaluation weights when an optimizer evaluates weights other than those it
 *                        stores (0: off; {@code BatchNormRecalibration})
 * @param augment         training augmentation on or off
 * @param checkpoints     checkpoint cadence ({@code checkpoint-every}, {@code keep-checkpoints})
 * @param divergenceFactor stop when a step's training loss exceeds this multiple of the first step's (0: only NaN/Inf)
 * @param carryOptimizer  on {@code --warm-start} from a run directory, also carry its optimizer state
 */
public record TrainSettings(int globalBatchSize, int ghostBatchSize, long steps, int epochs, long seed, long evalEvery,
                            long logEvery, int evalBatchSize, int trainSample, int batchNormRecalibration,
                            boolean augment,
                            CheckpointCadence checkpoints, double divergenceFactor, boolean carryOptimizer) {
    public static final int DEFAULT_GLOBAL_BATCH = 512;
    public static final int DEFAULT_GHOST_BATCH = 32;
    public static final long DEFAULT_STEPS = 0;
    public static final int DEFAULT_EPOCHS = 1;
    public static final long DEFAULT_SEED = 42;
    public static final long DEFAULT_EVAL_EVERY = 0;
    public static final long DEFAULT_LOG_EVERY = 10;
    public static final int DEFAULT_EVAL_BATCH = 256;
    /** fvcore's {@code update_bn_stats(num_iters = 200)} (detectron2's PreciseBN): 6,400 examples at ghost size 32. */
    public static final int DEFAULT_BATCH_NORM_RECALIBRATION = 200;
    /** A loss 10× the first step's is far outside normal fluctuation and is where runs are not coming back. */
    public static final double DEFAULT_DIVERGENCE_FACTOR = 10;
    public static final List<String> WARM_START_OPTIMIZER = List.of("fresh", "carry");

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
        int trainSample = r.integer("eval-train-sample", 0, 0, Integer.MAX_VALUE);
        int recalibration = r.integer("batch-norm-recalibration", DEFAULT_BATCH_NORM_RECALIBRATION, 0,
                Integer.MAX_VALUE);
        boolean augment = r.bool("augment", true);
        CheckpointCadence cadence = new CheckpointCadence(
                r.integer("checkpoint-every", CheckpointCadence.DEFAULT_EVERY, 0L, Long.MAX_VALUE),
                r.integer("keep-checkpoints", CheckpointCadence.DEFAULT_KEEP, 1, 1000));
        double divergence = r.decimal("divergence-factor", DEFAULT_DIVERGENCE_FACTOR, 0, 1e12);
        if (divergence > 0 && divergence <= 1) {
            throw new ConfigError(r.fullKey("divergence-factor"), "must be 0 (off) or above 1, found " + divergence);
        }
        boolean carry = r.oneOf("warm-start-optimizer", "fresh", WARM_START_OPTIMIZER).equals("carry");
        r.finish();
        return new TrainSettings(global, ghost, steps, epochs, seed, evalEvery, logEvery, evalBatch, trainSample,
                recalibration, augment, cadence, divergence, carry);
    }

    /** Steps of the run for a training split of {@code stepsPerEpoch} steps per epoch. */
    public long totalSteps(long stepsPerEpoch) {
        return steps > 0 ? steps : epochs * stepsPerEpoch;
    }
}
