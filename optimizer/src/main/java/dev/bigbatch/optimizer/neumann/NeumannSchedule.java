package dev.bigbatch.optimizer.neumann;

import dev.bigbatch.optimizer.TrainingShape;

/**
 * The Neumann optimizer's clocks, shared by both modes: the SGD warm-up (Algorithm 2, line 2; Table 1: 5 epochs), the
 * momentum μ(t) = min(μ_max, 1 − 1/(1 + t)) with t in epochs counted from 1 at the first Neumann step (so μ starts at
 * 0.5, as Table 1 says), and the first reset period K. Epochs become steps through the run's steps per epoch.
 */
final class NeumannSchedule {
    private final long warmupSteps;
    private final double stepsPerUnit;
    private final double momentumMax;
    private final long firstResetPeriod;

    NeumannSchedule(NeumannConfig config, TrainingShape shape) {
        long perEpoch = shape.stepsPerEpoch();
        this.warmupSteps = Math.round(config.sgdWarmupEpochs() * perEpoch);
        this.stepsPerUnit = config.momentumUnitEpochs() * perEpoch;
        this.momentumMax = config.momentumMax();
        this.firstResetPeriod = Math.max(1, Math.round(config.resetEpochs() * perEpoch));
    }

    long warmupSteps() {
        return warmupSteps;
    }

    boolean inWarmup(long step) {
        return step < warmupSteps;
    }

    /** The index of {@code step} among Neumann steps (0 for the first one after warm-up). */
    long neumannStep(long step) {
        return step - warmupSteps;
    }

    /** μ at Neumann step {@code s} (0-based): t = 1 + s / (steps per unit). */
    double momentum(long s) {
        double t = 1 + s / stepsPerUnit;
        return Math.min(momentumMax, 1 - 1 / (1 + t));
    }

    long firstResetPeriod() {
        return firstResetPeriod;
    }
}
