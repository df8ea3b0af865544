package dev.bigbatch.optimizer.schedule;

/**
 * The learning rate at each step: a base rate shaped by a decay, after an optional linear warm-up
 * (Goyal et al. 2017, "Accurate, Large Minibatch SGD", §2.2: rise linearly from {@code start-factor × base} to
 * {@code base} over the warm-up steps). Decays count their steps from the end of warm-up.
 */
public interface LearningRateSchedule {
    /** The learning rate for step {@code step} (0-based). */
    double at(long step);
}
