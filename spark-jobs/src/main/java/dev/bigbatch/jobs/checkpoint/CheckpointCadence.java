package dev.bigbatch.jobs.checkpoint;

import dev.bigbatch.optimizer.config.ConfigError;

/**
 * When to write checkpoints and how many to keep: every {@code every} steps and always after the last step; the
 * newest {@code keep} committed checkpoints are kept.
 *
 * @param every write after each step that is a multiple of this; 0 writes only after the last step
 *              ({@code train.checkpoint-every})
 * @param keep  how many committed checkpoints to keep, at least 1 ({@code train.keep-checkpoints})
 */
public record CheckpointCadence(long every, int keep) {
    public static final long DEFAULT_EVERY = 1000;
    /** Two would do for one corrupt latest checkpoint; three leaves room for a bad step noticed late. */
    public static final int DEFAULT_KEEP = 3;

    public CheckpointCadence {
        if (every < 0) {
            throw new ConfigError("train.checkpoint-every", "must be >= 0 (0 = only at the end), was " + every);
        }
        if (keep < 1) {
            throw new ConfigError("train.keep-checkpoints", "must be >= 1, was " + keep);
        }
    }

    /** Whether to write a checkpoint after {@code step}; {@code last} says it was the run's final step. */
    public boolean due(long step, boolean last) {
        return last || (every > 0 && step > 0 && step % every == 0);
    }
}
