package dev.bigbatch.jobs.checkpoint;

import java.io.IOException;

/**
 * A checkpoint could not be written, or checkpoints exist but none could be read back. The message names the
 * directory and, for a failed read, why each checkpoint was rejected. Maps to {@code ExitCode.CHECKPOINT_ERROR}.
 */
public class CheckpointException extends IOException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
