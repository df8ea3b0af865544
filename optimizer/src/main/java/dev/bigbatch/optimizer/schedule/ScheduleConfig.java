package dev.bigbatch.optimizer.schedule;

import dev.bigbatch.optimizer.TrainingShape;
import dev.bigbatch.optimizer.config.ConfigError;
import dev.bigbatch.optimizer.config.ConfigReader;

import java.util.List;

/**
 * The shared learning-rate schedule of every optimizer ({@code optimizer.schedule}).
 *
 * <ul>
 *   <li>{@code constant}: η</li>
 *   <li>{@code step}: η · factor^(number of boundaries passed), boundaries in steps after warm-up</li>
 *   <li>{@code cosine}: η_min + ½(η − η_min)(1 + cos(π t / T)) (Loshchilov &amp; Hutter 2017, SGDR, eq. 5, one cycle)</li>
 *   <li>{@code polynomial}: η_min + (η − η_min)(1 − t/T)^power (You et al. 2017, LARS, use power 2)</li>
 * </ul>
 * with t the steps since the end of warm-up and T the steps after warm-up.
 *
 * @param name          one of {@link #NAMES}
 * @param baseRate      η
 * @param warmupSteps   linear warm-up length
 * @param warmupStart   warm-up starts at {@code warmupStart × η}
 * @param minRate       η_min for cosine and polynomial
 * @param power         exponent of polynomial decay
 * @param factor        multiplier at each boundary of step decay
 * @param boundaries    step decay boundaries, in steps after warm-up, increasing
 */
public record ScheduleConfig(String name, double baseRate, long warmupSteps, double warmupStart, double minRate,
                             double power, double factor, List<Long> boundaries) {
    public static final List<String> NAMES = List.of("constant", "step", "cosine", "polynomial");
    public static final String DEFAULT_NAME = "constant";
    public static final long DEFAULT_WARMUP_STEPS = 0;
    public static final double DEFAULT_WARMUP_START = 0.0;
    public static final double DEFAULT_MIN_RATE = 0.0;
    public static final double DEFAULT_POWER = 2.0;
    public static final double DEFAULT_FACTOR = 0.1;

    public ScheduleConfig {
        boundaries = List.copyOf(boundaries);
        if (!increasingFromOne(boundaries)) {
            throw new IllegalArgumentException("boundaries must be increasing step counts >= 1, found " + boundaries);
        }
    }

    /** Reads {@code optimizer.schedule}; {@code baseRate} is {@code optimizer.learning-rate}. */
    public static ScheduleConfig read(ConfigReader r, double baseRate) {
        String name = r.oneOf("name", DEFAULT_NAME, NAMES);
        long warmup = r.integer("warmup-steps", DEFAULT_WARMUP_STEPS, 0L, Long.MAX_VALUE);
        double start = r.decimal("warmup-start-factor", DEFAULT_WARMUP_START, 0, 1);
        double min = r.decimal("min-learning-rate", DEFAULT_MIN_RATE);
        if (!(min >= 0 && min <= baseRate)) {
            throw new ConfigError(r.fullKey("min-learning-rate"), "must be in [0, learning-rate] = [0, " + baseRate
                    + "], found " + min);
        }
        double power = r.positive("power", DEFAULT_POWER, 100);
        double factor = r.decimal("factor", DEFAULT_FACTOR, 0, 1);
        List<Long> boundaries = r.longList("boundaries", List.of());
        if (!increasingFromOne(boundaries)) {
            throw new ConfigError(r.fullKey("boundaries"), "must be increasing step counts >= 1 (steps after "
                    + "warm-up), found " + boundaries);
        }
        if (name.equals("step") && boundaries.isEmpty()) {
            throw new ConfigError(r.fullKey("boundaries"), "the step schedule needs at least one boundary");
        }
        r.finish();
        return new ScheduleConfig(name, baseRate, warmup, start, min, power, factor, boundaries);
    }

    /** Whether every boundary is at least 1 and above the one before it. */
    private static boolean increasingFromOne(List<Long> boundaries) {
        long before = 0;
        for (long b : boundaries) {
            if (b <= before) {
                return false;
            }
            before = b;
        }
        return true;
    }

    public static ScheduleConfig constant(double rate) {
        return new ScheduleConfig("constant", rate, 0, 0, 0, DEFAULT_POWER, DEFAULT_FACTOR, List.of());
    }

    public LearningRateSchedule create(TrainingShape shape) {
        long decaySteps = Math.max(1, shape.totalSteps() - warmupSteps);
        return step -> {
            if (step < warmupSteps) {
                // Linear warm-up: at step 0 the rate is warmupStart·η, reaching η at step warmupSteps.
                return baseRate * (warmupStart + (1 - warmupStart) * (double) step / warmupSteps);
            }
            long t = Math.min(step - warmupSteps, decaySteps);
            return switch (name) {
                case "constant" -> baseRate;
                case "step" -> {
                    int passed = 0;
                    for (long b : boundaries) {
                        if (t >= b) {
                            passed++;
                        }
                    }
                    yield baseRate * Math.pow(factor, passed);
                }
                case "cosine" -> minRate + 0.5 * (baseRate - minRate) * (1 + Math.cos(Math.PI * t / decaySteps));
                case "polynomial" -> minRate + (baseRate - minRate) * Math.pow(1 - (double) t / decaySteps, power);
                default -> throw new IllegalStateException(name);
            };
        };
    }
}
