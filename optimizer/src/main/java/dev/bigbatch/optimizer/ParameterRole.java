package dev.bigbatch.optimizer;

/**
 * What a slice of the flat parameter vector is, which decides how update rules and regularization treat it.
 */
public enum ParameterRole {
    /** Dense or convolution weights: trained, weight-decayed by default. */
    WEIGHT,
    /** Biases: trained, not weight-decayed by default. */
    BIAS,
    /** Batch-norm scale (gamma): trained, not weight-decayed by default. */
    NORM_SCALE,
    /** Batch-norm shift (beta): trained, not weight-decayed by default. */
    NORM_SHIFT,
    /**
     * Batch-norm running mean / variance. Not trained: DL4J's backward pass reports for them the delta
     * {@code (1 - decay)(running - batch)} to subtract (DL4J BatchNormalization, "distributed safe" update), which the
     * loop averages over ghost batches and applies as is, whatever the optimizer.
     */
    NORM_STATISTIC;

    public boolean trainable() {
        return this != NORM_STATISTIC;
    }
}
