package dev.bigbatch.jobs.train;

import dev.bigbatch.jobs.checkpoint.Checkpoint;
import dev.bigbatch.jobs.checkpoint.CheckpointCadence;
import dev.bigbatch.jobs.checkpoint.CheckpointException;
import dev.bigbatch.jobs.checkpoint.CheckpointStore;
import dev.bigbatch.jobs.checkpoint.ConfigFingerprint;
import dev.bigbatch.optimizer.Optimizer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The loop's checkpoints: when they are due, and what goes in them. The sampler is a pure function of (seed, epoch,
 * step), so its "state" is the seed and the step; the first step's loss rides along for the divergence guard.
 */
public final class RunCheckpoints {
    static final String SEED = "seed";
    static final String FIRST_LOSS_BITS = "first-loss-bits";

    private final CheckpointStore store;
    private final CheckpointCadence cadence;
    private final ConfigFingerprint fingerprint;

    public RunCheckpoints(CheckpointStore store, CheckpointCadence cadence, ConfigFingerprint fingerprint) {
        this.store = store;
        this.cadence = cadence;
        this.fingerprint = fingerprint;
    }

    /**
     * Where a run (re)starts: step 0 with fresh state, a checkpoint's step, parameters and optimizer state (resume), or
     * step 0 with an earlier run's checkpoint (warm start carrying the optimizer state; {@code restartSchedule}: the
     * learning-rate schedule starts again, {@link dev.bigbatch.optimizer.Optimizer#restartLearningRateSchedule}).
     */
    public record Start(long step, INDArray params, dev.bigbatch.optimizer.state.OptimizerState optimizerState,
                        double firstLoss, boolean restartSchedule) {
        public static Start fresh(INDArray params) {
            return new Start(0, params, null, Double.NaN, false);
        }

        public static Start from(Checkpoint c) {
            long bits = c.sampling().getOrDefault(FIRST_LOSS_BITS, Double.doubleToLongBits(Double.NaN));
            return new Start(c.step(), c.parameters(), c.optimizerState(), Double.longBitsToDouble(bits), false);
        }

        /** A new run from an earlier run's checkpoint: its stored parameters and the optimizer state they go with. */
        public static Start carrying(Checkpoint c) {
            return new Start(0, c.parameters(), c.optimizerState(), Double.NaN, true);
        }
    }

    /**
     * For a divergence message: the newest committed checkpoint of at most {@code goodThrough} steps, whose weights
     * came before the divergence. The newest checkpoint need not be it: a step's loss is that of the weights after
     * the previous step, so when the loss gives the alarm at step s, a checkpoint of step s − 1 holds the weights
     * that produced it. Empty without checkpoints; never fails the run for a listing error.
     */
    String lastGoodAdvice(long goodThrough) {
        if (store == null) {
            return "";
        }
        try {
            // committedSteps() is newest first.
            return store.committedSteps().stream().filter(s -> s <= goodThrough).findFirst()
                    .map(s -> "; the last good checkpoint is " + new org.apache.hadoop.fs.Path(store.directory(),
                            "ckpt-" + s) + " (--warm-start a new run from it)")
                    .orElse("; no checkpoint has weights from before it (train again with --restart)");
        } catch (java.io.IOException e) {
            return "; the checkpoints could not be listed: " + e.getMessage();
        }
    }

    /**
     * Writes a checkpoint after {@code step} steps if one is due, with the batch-norm statistics recalibrated at its
     * evaluation weights when there are any ({@link EvaluationWeights}), for {@code evaluate} and {@code export} of the
     * checkpoint.
     */
    void afterStep(long step, int epoch, boolean last, INDArray params, Optimizer optimizer, EvaluationWeights weights,
                   long seed, double firstLoss) {
        if (store == null || !cadence.due(step, last)) {
            return;
        }
        try {
            store.write(new Checkpoint(step, epoch, params, optimizer.state(),
                    Map.of(SEED, seed, FIRST_LOSS_BITS, Double.doubleToLongBits(firstLoss)), fingerprint,
                    weights.recalibratedStatistics(step, params)));
        } catch (CheckpointException e) {
            throw new UncheckedIOException(e);
        }
    }
}
