package dev.bigbatch.optimizer;

/**
 * Facts about the run that schedules and optimizer defaults depend on.
 *
 * @param totalSteps     steps the run will take
 * @param stepsPerEpoch  steps in one pass over the training split (at least 1)
 * @param globalBatchSize examples per step
 */
public record TrainingShape(long totalSteps, long stepsPerEpoch, long globalBatchSize) {
    public TrainingShape {
        if (totalSteps < 1 || stepsPerEpoch < 1 || globalBatchSize < 1) {
            throw new IllegalArgumentException("invalid training shape " + totalSteps + "/" + stepsPerEpoch + "/" + globalBatchSize);
        }
    }
}
