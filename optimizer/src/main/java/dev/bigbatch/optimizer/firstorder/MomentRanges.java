package dev.bigbatch.optimizer.firstorder;

/** The valid ranges of decay rates and ε shared by the moment-based rules, checked once here. */
final class MomentRanges {
    /** Largest decay rate a config may set: a decay of exactly 1 would never forget. */
    static final double MAX_DECAY = 0.999999;

    private MomentRanges() {
    }

    static void check(double decay1, double decay2, double epsilon) {
        decay(decay1);
        decay(decay2);
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("epsilon must be > 0, found " + epsilon);
        }
    }

    static void decay(double decay) {
        if (!(decay >= 0 && decay <= MAX_DECAY)) {
            throw new IllegalArgumentException("decay rates must be in [0, " + MAX_DECAY + "], found " + decay);
        }
    }
}
