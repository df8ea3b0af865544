package dev.bigbatch.jobs.exit;

/**
 * Training diverged: the loss or an update became NaN or infinite, or exceeded a configured bound. Thrown by the
 * training loop on the driver with the step at which it was detected. Maps to {@link ExitCode#DIVERGED}.
 *
 * <p>The checkpoints written before it are kept; the message names the newest one with good weights (the training
 * loop's {@code RunCheckpoints.lastGoodAdvice}), which a new run can warm-start from with a lower learning rate.
 */
public class DivergenceError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long step;

    /**
     * @param step    the optimizer step at which divergence was detected
     * @param message what diverged and its value, e.g. {@code "train loss is NaN"}
     */
    public DivergenceError(long step, String message) {
        super("diverged at step " + step + ": " + message);
        this.step = step;
    }

    /** The optimizer step at which divergence was detected. */
    public long step() {
        return step;
    }
}
