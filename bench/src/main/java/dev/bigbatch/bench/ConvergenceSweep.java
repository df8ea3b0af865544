package dev.bigbatch.bench;

import dev.bigbatch.jobs.report.MetricRecord;
import dev.bigbatch.jobs.train.TrainingLoop;
import dev.bigbatch.optimizer.neumann.NeumannConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The runs of {@link ConvergenceBench}: one {@code train} per (optimizer, learning rate), all on the same data, model,
 * seed, batch and step cap, each written as the {@code --set} overrides of an ordinary {@code train} command.
 *
 * <p>Shared by every run: global batch and ghost batch, {@code train.steps} = the cap, a constant learning rate after
 * a linear warm-up of {@code warmupSteps} steps from 0.1 η (large-batch practice, Goyal et al. 2017), no weight decay
 * (the target is a training loss; decay would only add a term every optimizer treats differently), every step logged,
 * evaluation only at the end (or after every step, with the training sample), no intermediate checkpoints.
 *
 * <p>Per optimizer:
 * <ul>
 *   <li>{@code momentum}: heavy ball, μ = 0.9;</li>
 *   <li>{@code adam}: β₁ = 0.9, β₂ = 0.999, ε = 1e-8 (the defaults);</li>
 *   <li>{@code neumann}: single-loop (Algorithm 2), Table 1's α, β, γ and μ(t) clock, but its plain-SGD warm-up
 *       ({@code sgd-warmup-epochs}, Table 1: 5 epochs) shortened to the shared warm-up, because 5 epochs are more
 *       steps than the whole run. Its other clocks keep the paper's epoch units: m's first reset comes after 10
 *       epochs, beyond the cap, so m is never reset, and μ(t) = 1 − 1/(1 + t) with t in epochs rises from 0.5 and
 *       stays below 0.9 within the run;</li>
 *   <li>{@code neumann-scaled}: the same, but all three epoch clocks scaled by one factor, the one that maps Table 1's
 *       5-epoch warm-up onto the shared warm-up ({@link #neumannClockScale}): μ(t)'s unit of t and the first reset
 *       period K shrink with the warm-up, keeping the paper's proportions (warm-up : K = 1 : 2, μ at its 0.9 cap after
 *       8 units) in a run of a few epochs;</li>
 *   <li>{@code neumann-two-loop}: the two-loop mode (Algorithm 1 with eq. 9's convexified inner update; executors
 *       run K_inner = 4 inner iterations per ghost batch, the default), with the warm-up and μ(t)'s unit of t scaled
 *       as in {@code neumann-scaled} (the mode has no reset period). A step costs K_inner forward/backward passes
 *       per example (the ordinary pass, whose gradient the first inner iteration reuses, and K_inner − 1 more)
 *       against one for every other group, so its steps compare with theirs only together with that cost;</li>
 *   <li>{@code kfac}: the defaults (T_cov = 10, T_inv = 100, λ = 1e-3, κ = 1e-3, μ = 0.9, true Fisher), the
 *       eigendecompositions on the driver. With T_inv = 100 above the cap, the inverses are those of step 0's
 *       factors for the whole run.</li>
 * </ul>
 *
 * @param dataset       prepared dataset URI
 * @param model         model name
 * @param width         model width
 * @param globalBatch   examples per step
 * @param ghostBatch    examples per batch-norm batch
 * @param stepCap       steps every run takes, whether it reaches the target or not
 * @param seed          {@code train.seed}
 * @param warmupSteps   learning-rate warm-up, and Neumann's SGD warm-up, in steps
 * @param stepsPerEpoch steps per epoch of the training split, to express Neumann's warm-up in its unit (epochs)
 * @param trainSample   0: the curve is the loop's logged training loss; n > 0: every run also evaluates a fixed
 *                      sample of n training examples after every step ({@code train.eval-train-sample}, at the
 *                      optimizer's evaluation weights) and the curve is that loss
 */
public record ConvergenceSweep(String dataset, String model, int width, int globalBatch, int ghostBatch, int stepCap,
                               long seed, int warmupSteps, long stepsPerEpoch, int trainSample) {
    /** The learning-rate grid of momentum and Neumann (the same grid, so that they compare directly). */
    public static final double[] MOMENTUM_RATES = {0.05, 0.1, 0.2};
    public static final double[] ADAM_RATES = {1e-3, 3e-3, 1e-2};
    /** K-FAC's default η (0.1, the shared default) and one on each side. */
    public static final double[] KFAC_RATES = {0.03, 0.1, 0.3};
    public static final double WARMUP_START_FACTOR = 0.1;
    public static final String PARTITIONS = "2";
    /** The Neumann runs whose epoch clocks are all scaled to the run length ({@link #neumannClockScale}). */
    public static final String NEUMANN_SCALED = "neumann-scaled";
    /** The two-loop Neumann runs (executors compute the inner iterates), clocks scaled as {@link #NEUMANN_SCALED}. */
    public static final String NEUMANN_TWO_LOOP = "neumann-two-loop";
    /** The groups whose Neumann epoch clocks scale with the warm-up ({@link #neumannClockScale}): none without one. */
    public static final List<String> SCALED_CLOCKS = List.of(NEUMANN_SCALED, NEUMANN_TWO_LOOP);
    /** The groups of runs, in the order they run: what {@code only} and {@code rates.NAME} select. */
    public static final List<String> LABELS = List.of("momentum", "adam", "neumann", NEUMANN_SCALED, NEUMANN_TWO_LOOP,
            "kfac");

    /** The split of {@code metrics.jsonl} the curves are read from. */
    public String curveSplit() {
        return trainSample > 0 ? TrainingLoop.TRAIN_SAMPLE : MetricRecord.TRAIN;
    }

    /**
     * One {@code train} run.
     *
     * @param label        the group the run is compared in: {@code optimizer.name}, or a named configuration of it
     *                     ({@code neumann-scaled})
     * @param learningRate {@code optimizer.learning-rate}
     * @param sets         every {@code key=value} override of the run
     */
    public record Candidate(String label, double learningRate, List<String> sets) {
        /** The run directory's name, e.g. {@code adam-lr0.003}. */
        public String id() {
            return label + "-lr" + rate(learningRate);
        }
    }

    /**
     * All candidates, in the order they run.
     *
     * @param only  optimizer names to run (empty: all)
     * @param rates learning-rate grids replacing the standard ones, by optimizer name (e.g. to extend a grid whose
     *              best rate was at its edge)
     */
    public List<Candidate> candidates(List<String> only, Map<String, double[]> rates) {
        List<Candidate> out = new ArrayList<>();
        add(out, only, "momentum", "momentum", rates.getOrDefault("momentum", MOMENTUM_RATES),
                List.of("optimizer.momentum=0.9"));
        add(out, only, "adam", "adam", rates.getOrDefault("adam", ADAM_RATES), List.of());
        add(out, only, "neumann", "neumann", rates.getOrDefault("neumann", MOMENTUM_RATES),
                List.of("optimizer.mode=single-loop", "optimizer.sgd-warmup-epochs=" + neumannWarmupEpochs()));
        double scale = neumannClockScale();
        add(out, only, NEUMANN_SCALED, "neumann", rates.getOrDefault(NEUMANN_SCALED, MOMENTUM_RATES),
                List.of("optimizer.mode=single-loop", "optimizer.sgd-warmup-epochs=" + neumannWarmupEpochs(),
                        "optimizer.momentum-unit-epochs=" + scale * NeumannConfig.DEFAULT_MOMENTUM_UNIT_EPOCHS,
                        "optimizer.reset-epochs=" + scale * NeumannConfig.DEFAULT_RESET_EPOCHS));
        add(out, only, NEUMANN_TWO_LOOP, "neumann", rates.getOrDefault(NEUMANN_TWO_LOOP, MOMENTUM_RATES),
                List.of("optimizer.mode=two-loop", "optimizer.sgd-warmup-epochs=" + neumannWarmupEpochs(),
                        "optimizer.momentum-unit-epochs=" + scale * NeumannConfig.DEFAULT_MOMENTUM_UNIT_EPOCHS));
        add(out, only, "kfac", "kfac", rates.getOrDefault("kfac", KFAC_RATES), List.of("optimizer.inverse-on=driver"));
        return out;
    }

    /**
     * The factor that maps Table 1's SGD warm-up (5 epochs) onto the shared warm-up ({@code warmupSteps}); the
     * {@code neumann-scaled} runs apply it to all three of Neumann's epoch clocks (warm-up, μ(t)'s unit of t and the
     * first reset period K), so that they keep the paper's proportions to each other in a run of a few epochs.
     */
    public double neumannClockScale() {
        return neumannWarmupEpochs() / NeumannConfig.DEFAULT_SGD_WARMUP_EPOCHS;
    }

    /** The shared warm-up in epochs; {@code NeumannSchedule} rounds it back to exactly {@code warmupSteps} steps. */
    public double neumannWarmupEpochs() {
        return (double) warmupSteps / stepsPerEpoch;
    }

    private void add(List<Candidate> out, List<String> only, String label, String name, double[] rates,
                     List<String> own) {
        if (!only.isEmpty() && !only.contains(label)) {
            return;
        }
        for (double lr : rates) {
            List<String> sets = new ArrayList<>(common());
            sets.add("optimizer.name=" + name);
            sets.add("optimizer.learning-rate=" + rate(lr));
            sets.addAll(own);
            out.add(new Candidate(label, lr, List.copyOf(sets)));
        }
    }

    private List<String> common() {
        return List.of(
                "data.path=" + dataset,
                "data.partitions=" + PARTITIONS,
                "model.name=" + model,
                "model.width=" + width,
                "train.global-batch-size=" + globalBatch,
                "train.ghost-batch-size=" + ghostBatch,
                "train.steps=" + stepCap,
                "train.seed=" + seed,
                "train.log-every=1",
                "train.eval-every=" + (trainSample > 0 ? 1 : 0),
                "train.eval-train-sample=" + trainSample,
                "train.checkpoint-every=0",
                "optimizer.weight-decay=0",
                "optimizer.schedule.name=constant",
                "optimizer.schedule.warmup-steps=" + warmupSteps,
                "optimizer.schedule.warmup-start-factor=" + WARMUP_START_FACTOR);
    }

    /** A learning rate as written in configs and names: shortest round-trip decimal, no exponent. */
    static String rate(double lr) {
        return new java.math.BigDecimal(Double.toString(lr)).stripTrailingZeros().toPlainString()
                .toLowerCase(Locale.ROOT);
    }
}
