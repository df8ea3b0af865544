package dev.bigbatch.optimizer;

/**
 * What one step did, for logs and metrics.
 *
 * @param learningRate the learning rate used
 * @param gradientNorm L2 norm of the mean gradient over trainable parameters, before clipping
 * @param updateNorm   L2 norm of the change applied to trainable parameters
 */
public record StepReport(double learningRate, double gradientNorm, double updateNorm) {
}
