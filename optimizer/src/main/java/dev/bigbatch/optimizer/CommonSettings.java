package dev.bigbatch.optimizer;

import dev.bigbatch.optimizer.config.ConfigReader;
import dev.bigbatch.optimizer.regularization.WeightDecay;
import dev.bigbatch.optimizer.schedule.ScheduleConfig;

/**
 * Settings every optimizer shares: {@code learning-rate}, {@code schedule { ... }}, {@code weight-decay*} and
 * {@code clip-norm} (defaults, ranges and meaning in docs/CONFIG.md, "Shared keys").
 *
 * @param learningRate base learning rate η
 * @param schedule     shape of η over steps
 * @param weightDecay  decay, separate from the rule
 * @param clipNorm     global-norm clipping threshold, 0 = off
 */
public record CommonSettings(double learningRate, ScheduleConfig schedule, WeightDecay weightDecay, double clipNorm) {
    public static final double DEFAULT_LEARNING_RATE = 0.1;
    public static final double DEFAULT_CLIP_NORM = 0.0;

    public static CommonSettings read(ConfigReader r, double defaultLearningRate) {
        double lr = r.positive("learning-rate", defaultLearningRate, 1e3);
        ConfigReader sr = r.child("schedule");
        ScheduleConfig schedule = ScheduleConfig.read(sr, lr);
        WeightDecay wd = WeightDecay.read(r);
        double clip = r.decimal("clip-norm", DEFAULT_CLIP_NORM, 0, Double.MAX_VALUE);
        return new CommonSettings(lr, schedule, wd, clip);
    }

    public static CommonSettings read(ConfigReader r) {
        return read(r, DEFAULT_LEARNING_RATE);
    }
}
