package dev.bigbatch.optimizer.neumann;

import dev.bigbatch.optimizer.CommonSettings;
import dev.bigbatch.optimizer.Optimizer;
import dev.bigbatch.optimizer.OptimizerConfig;
import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.TrainingShape;
import dev.bigbatch.optimizer.config.ConfigError;
import dev.bigbatch.optimizer.config.ConfigReader;

import java.util.List;

/**
 * Configuration of the Neumann optimizer (Krishnan, Xiao &amp; Saurous, "Neumann Optimizer: A Practical Optimization
 * Algorithm for Deep Neural Networks", ICLR 2018). Defaults are the paper's Table 1, which its authors used for every
 * model; only the learning rate is meant to be tuned.
 *
 * <p>{@code mode = single-loop} (default) is Algorithm 2: the driver runs the merged inner/outer loop
 * ({@link NeumannOptimizer}). {@code mode = two-loop} is Algorithm 1 with the convexified inner update of eq. 9:
 * executors run the inner Neumann iterations on their ghost batches ({@link TwoLoopNeumannOptimizer}).
 *
 * @param common                learning rate η(t) (the shared schedule), weight decay, clipping (single-loop only)
 * @param mode                  {@code single-loop} or {@code two-loop}
 * @param cubic                 α of the cubic regularizer (α/3)‖w − v‖³
 * @param repulsivePerParameter β / (number of trainable parameters), for the repulsive regularizer β / ‖w − v‖
 * @param movingAverage         γ of the moving average v of the weights
 * @param momentumMax           cap of μ(t) = 1 − 1/(1 + t)
 * @param momentumUnitEpochs    epochs per unit of t in μ(t); t = 1 at the first Neumann step
 * @param sgdWarmupEpochs       plain SGD before the Neumann steps (Algorithm 2, line 2)
 * @param resetEpochs           first period K between resets of m (single-loop)
 * @param resetGrowth           factor K grows by after each reset (single-loop)
 * @param innerIterations       K_inner, Neumann iterations per ghost batch (two-loop)
 */
public record NeumannConfig(CommonSettings common, String mode, double cubic, double repulsivePerParameter,
                            double movingAverage, double momentumMax, double momentumUnitEpochs,
                            double sgdWarmupEpochs, double resetEpochs, int resetGrowth, int innerIterations)
        implements OptimizerConfig {
    public static final String NAME = "neumann";
    public static final String SINGLE_LOOP = "single-loop";
    public static final String TWO_LOOP = "two-loop";
    public static final List<String> MODES = List.of(SINGLE_LOOP, TWO_LOOP);
    /** Table 1: cubic regularizer α = 10⁻⁷. */
    public static final double DEFAULT_CUBIC = 1e-7;
    /** Table 1: repulsive regularizer β = 10⁻⁵ × number of variables. */
    public static final double DEFAULT_REPULSIVE_PER_PARAMETER = 1e-5;
    /** Table 1: moving average γ = 0.99. */
    public static final double DEFAULT_MOVING_AVERAGE = 0.99;
    /** Table 1: μ ∝ 1 − 1/(1 + t), "starting at μ = 0.5 and peaking at μ = 0.9". */
    public static final double DEFAULT_MOMENTUM_MAX = 0.9;
    /** The paper uses training epochs as its notion of time (§4). */
    public static final double DEFAULT_MOMENTUM_UNIT_EPOCHS = 1.0;
    /** Table 1: "num SGD steps = 5 epochs". */
    public static final double DEFAULT_SGD_WARMUP_EPOCHS = 5.0;
    /** Table 1: "K, starts at 10 epochs, and doubles after every reset". */
    public static final double DEFAULT_RESET_EPOCHS = 10.0;
    public static final int DEFAULT_RESET_GROWTH = 2;
    /** Not in the paper (its practical variant merges the loops): a small K_inner, as §3.2 reports diminishing returns. */
    public static final int DEFAULT_INNER_ITERATIONS = 4;
    private static final double MAX_EPOCHS = 1e6;

    public NeumannConfig {
        if (!MODES.contains(mode)) {
            throw new IllegalArgumentException("mode must be one of " + MODES + ", found " + mode);
        }
        if (cubic < 0 || repulsivePerParameter < 0 || !(movingAverage >= 0 && movingAverage < 1)
                || !(momentumMax >= 0 && momentumMax <= 1) || !(momentumUnitEpochs > 0) || sgdWarmupEpochs < 0
                || !(resetEpochs > 0) || resetGrowth < 1 || innerIterations < 1) {
            throw new IllegalArgumentException("invalid Neumann settings: α " + cubic + ", β/n " + repulsivePerParameter
                    + ", γ " + movingAverage + ", μ_max " + momentumMax + ", μ unit " + momentumUnitEpochs + ", warm-up "
                    + sgdWarmupEpochs + ", K " + resetEpochs + " ×" + resetGrowth + ", K_inner " + innerIterations);
        }
    }

    public static NeumannConfig read(String name, ConfigReader r) {
        CommonSettings common = CommonSettings.read(r);
        String mode = r.oneOf("mode", SINGLE_LOOP, MODES);
        double alpha = r.decimal("cubic-regularizer", DEFAULT_CUBIC, 0, 1);
        double beta = r.decimal("repulsive-regularizer-per-parameter", DEFAULT_REPULSIVE_PER_PARAMETER, 0, 1);
        double gamma = r.decimal("moving-average", DEFAULT_MOVING_AVERAGE, 0, 0.999999);
        double muMax = r.decimal("momentum-max", DEFAULT_MOMENTUM_MAX, 0, 1);
        double unit = r.positive("momentum-unit-epochs", DEFAULT_MOMENTUM_UNIT_EPOCHS, MAX_EPOCHS);
        double warmup = r.decimal("sgd-warmup-epochs", DEFAULT_SGD_WARMUP_EPOCHS, 0, MAX_EPOCHS);
        boolean twoLoop = mode.equals(TWO_LOOP);
        onlyIn(r, "reset-epochs", !twoLoop, SINGLE_LOOP);
        onlyIn(r, "reset-growth", !twoLoop, SINGLE_LOOP);
        onlyIn(r, "inner-iterations", twoLoop, TWO_LOOP);
        double reset = r.positive("reset-epochs", DEFAULT_RESET_EPOCHS, MAX_EPOCHS);
        int growth = r.integer("reset-growth", DEFAULT_RESET_GROWTH, 1, 16);
        int inner = r.integer("inner-iterations", DEFAULT_INNER_ITERATIONS, 1, 1000);
        if (!twoLoop && muMax >= 1) {
            throw new ConfigError(r.fullKey("momentum-max"), "must be below 1 with mode = single-loop, where m would "
                    + "never decay; found " + muMax + " (μ = 1 is the plain Neumann series of mode = two-loop)");
        }
        if (twoLoop && common.clipNorm() > 0) {
            throw new ConfigError(r.fullKey("clip-norm"), "is not supported with mode = two-loop: clipping each "
                    + "inner gradient would change the quadratic the inner loop solves; remove it or use single-loop");
        }
        return new NeumannConfig(common, mode, alpha, beta, gamma, muMax, unit, warmup, reset, growth, inner);
    }

    private static void onlyIn(ConfigReader r, String key, boolean applies, String mode) {
        if (r.has(key) && !applies) {
            throw new ConfigError(r.fullKey(key), "applies only to mode = " + mode + "; remove it or change the mode");
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Optimizer create(ParameterLayout layout, TrainingShape shape) {
        return mode.equals(TWO_LOOP) ? new TwoLoopNeumannOptimizer(this, layout, shape)
                : new NeumannOptimizer(this, layout, shape);
    }

    /** β: the per-parameter value times the number of trainable parameters (batch-norm statistics excluded). */
    public double repulsive(ParameterLayout layout) {
        long trainable = layout.segments().stream().filter(s -> s.role().trainable())
                .mapToLong(ParameterLayout.Segment::length).sum();
        return repulsivePerParameter * trainable;
    }
}
