package dev.bigbatch.bench;

import com.typesafe.config.ConfigFactory;
import dev.bigbatch.optimizer.Optimizer;
import dev.bigbatch.optimizer.Optimizers;
import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.ParameterRole;
import dev.bigbatch.optimizer.TrainingShape;
import dev.bigbatch.optimizer.config.ConfigReader;
import dev.bigbatch.optimizer.regularization.WeightDecay;
import dev.bigbatch.optimizer.stats.StepSums;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The driver-side optimizer step alone ({@code Optimizer.step}: mean gradient from the aggregated sums, batch-norm
 * statistics, the rule, the weight update) on a ResNet-50-sized parameter vector, Neumann (single-loop) against Adam
 * and heavy-ball SGD, measured in the same run.
 *
 * <p>Each optimizer first takes warm-up steps (JIT, allocation), then the optimizers are timed in interleaved rounds
 * so that load from other processes falls on all of them alike; the median over rounds of the per-step time is
 * reported, and the ratio of medians. Neumann runs with no SGD warm-up (so every timed step is a Neumann step) and a
 * tiny repulsive weight, so that on random gradients the regularizer is computed and applied every step without its
 * values overflowing; the work per step is the same as with the paper's β.
 *
 * <p>With {@code weight-decay=λ} each optimizer also runs with that decay ({@code weight-decay-mode=l2} or
 * {@code decoupled}, default exclusions: the batch-norm segments), as {@code NAME+wd}, and the cost of decay is
 * reported as the ratio to the same optimizer without it. After timing, one more step of each optimizer runs inside
 * an ND4J workspace that counts every byte ND4J allocates during the step (a measure that does not depend on load).
 *
 * <p>Usage: {@code OptimizerStepBench [parameters] [rounds] [steps-per-round] [weight-decay=λ]
 * [weight-decay-mode=l2|decoupled]}; the three numbers can also be given as {@code parameters=}, {@code rounds=} and
 * {@code steps-per-round=}; {@code --help} lists the options with their defaults.
 */
public final class OptimizerStepBench {
    private static final int DEFAULT_PARAMETERS = 25_600_000;
    /** ResNet-50 has 53,120 batch-norm running statistics (mean + variance of 26,560 channels). */
    private static final int STATISTICS = 53_120;
    private static final int NORM_CHANNELS = 26_560;
    private static final int WARMUP_STEPS = 5;
    private static final int DEFAULT_ROUNDS = 7;
    private static final int DEFAULT_STEPS_PER_ROUND = 5;
    private static final String DECAYED = "+wd";
    /** The batch-norm segments and one weight. */
    private static final int MIN_PARAMETERS = 2 * NORM_CHANNELS + STATISTICS + 1;

    private OptimizerStepBench() {
    }

    /**
     * What one run measures.
     *
     * @param weightDecay 0: no decayed runs
     */
    record Settings(int parameters, int rounds, int stepsPerRound, double weightDecay, String weightDecayMode) {
    }

    public static void main(String[] args) {
        BenchRunner.main(args, options(), OptimizerStepBench::read, OptimizerStepBench::run);
    }

    static BenchDeclaration options() {
        return BenchOptions.declare("OptimizerStepBench", "The driver-side optimizer step on a ResNet-50-sized "
                        + "parameter vector: Neumann (single-loop) against Adam and heavy-ball SGD")
                .positional("parameters", DEFAULT_PARAMETERS, "length of the parameter vector, at least "
                        + MIN_PARAMETERS + " (the batch-norm segments and one weight)")
                .positional("rounds", DEFAULT_ROUNDS, "interleaved timed rounds, after " + WARMUP_STEPS
                        + " warm-up steps")
                .positional("steps-per-round", DEFAULT_STEPS_PER_ROUND, "steps of each optimizer per round")
                .key("weight-decay", 0, "λ > 0: each optimizer also runs with this decay, as NAME" + DECAYED)
                .key("weight-decay-mode", WeightDecay.DEFAULT_MODE, "how the decay applies: "
                        + String.join(" or ", WeightDecay.MODES));
    }

    static Settings read(BenchOptions options) {
        int n = options.getIntAtLeast("parameters", MIN_PARAMETERS);
        int rounds = options.getIntAtLeast("rounds", 1);
        int perRound = options.getIntAtLeast("steps-per-round", 1);
        double decay = options.getDouble("weight-decay");
        if (!(decay >= 0 && decay <= WeightDecay.MAX_COEFFICIENT)) { // optimizer.weight-decay's range
            throw options.invalid("weight-decay", "is not a number in [0, " + WeightDecay.MAX_COEFFICIENT + "]");
        }
        return new Settings(n, rounds, perRound, decay, options.getOneOf("weight-decay-mode", WeightDecay.MODES));
    }

    private static void run(Settings settings) {
        int n = settings.parameters();
        int rounds = settings.rounds();
        int perRound = settings.stepsPerRound();
        double decay = settings.weightDecay();
        String decayMode = settings.weightDecayMode();
        ParameterLayout layout = layout(n);
        TrainingShape shape = new TrainingShape(1_000_000, 1_000, 4096);
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put("adam", "name = adam");
        configs.put("neumann", "name = neumann, sgd-warmup-epochs = 0, repulsive-regularizer-per-parameter = 1e-15");
        configs.put("momentum", "name = momentum");
        if (decay > 0) {
            for (String base : List.copyOf(configs.keySet())) {
                configs.put(base + DECAYED, configs.get(base) + ", weight-decay = " + decay + ", weight-decay-mode = "
                        + decayMode);
            }
        }

        StepSums sums = new StepSums();
        sums.addExamples(1, 0, 0, 0);
        sums.addGradient(Nd4j.createFromArray(gaussian(new Random(1), n, 1e-3)), 1.0);
        float[] w0 = gaussian(new Random(2), n, 0.05);

        Map<String, Optimizer> optimizers = new LinkedHashMap<>();
        Map<String, INDArray> params = new LinkedHashMap<>();
        Map<String, List<Double>> perStep = new LinkedHashMap<>();
        for (var e : configs.entrySet()) {
            Optimizer opt = Optimizers.read(new ConfigReader(ConfigFactory.parseString(e.getValue()), "optimizer"))
                    .create(layout, shape);
            INDArray w = Nd4j.createFromArray(w0.clone());
            for (int i = 0; i < WARMUP_STEPS; i++) {
                opt.step(w, sums);
            }
            optimizers.put(e.getKey(), opt);
            params.put(e.getKey(), w);
            perStep.put(e.getKey(), new ArrayList<>());
        }
        for (int r = 0; r < rounds; r++) {
            for (String name : optimizers.keySet()) {
                Optimizer opt = optimizers.get(name);
                INDArray w = params.get(name);
                long t0 = System.nanoTime();
                for (int i = 0; i < perRound; i++) {
                    opt.step(w, sums);
                }
                w.sumNumber(); // wait for the backend before reading the clock
                perStep.get(name).add((System.nanoTime() - t0) / 1e6 / perRound);
            }
        }
        Map<String, Long> allocated = new LinkedHashMap<>();
        for (String name : optimizers.keySet()) {
            allocated.put(name, allocatedBytes(optimizers.get(name), params.get(name), sums));
        }
        System.out.printf(Locale.ROOT, "optimizer step on %,d parameters (%d statistics), %s backend, %d warm-up "
                        + "steps, %d interleaved rounds of %d steps%s%n", n, STATISTICS,
                Nd4j.getBackend().getClass().getSimpleName(), WARMUP_STEPS, rounds, perRound,
                decay > 0 ? ", " + DECAYED + ": weight-decay " + decay + " " + decayMode : "");
        for (String name : optimizers.keySet()) {
            double[] v = sorted(perStep.get(name));
            System.out.printf(Locale.ROOT, "  %-12s median %8.2f ms/step   min %8.2f   max %8.2f   "
                            + "ND4J allocates %,14d bytes/step   finite=%s%n", name, median(v), v[0], v[v.length - 1],
                    allocated.get(name), Double.isFinite(params.get(name).sumNumber().doubleValue()));
        }
        double adam = median(sorted(perStep.get("adam")));
        for (String other : List.of("neumann", "momentum")) {
            System.out.printf(Locale.ROOT, "  ratio %-22s = %.3f%n", other + " / adam",
                    median(sorted(perStep.get(other))) / adam);
        }
        if (decay > 0) {
            for (String base : List.of("adam", "neumann", "momentum")) {
                System.out.printf(Locale.ROOT, "  ratio %-22s = %.3f%n", base + DECAYED + " / " + base,
                        median(sorted(perStep.get(base + DECAYED))) / median(sorted(perStep.get(base))));
            }
        }
    }

    /**
     * Bytes ND4J allocates during one step: the step runs in a workspace of size 0 whose every allocation spills to
     * an external buffer and is counted. Only valid once the optimizer's state exists (after the warm-up steps):
     * arrays the step allocated are freed when the workspace closes, so the step must not keep any.
     */
    static long allocatedBytes(Optimizer opt, INDArray w, StepSums sums) {
        WorkspaceConfiguration counting = WorkspaceConfiguration.builder().initialSize(0)
                .policyAllocation(AllocationPolicy.STRICT).policyLearning(LearningPolicy.NONE)
                .policySpill(SpillPolicy.EXTERNAL).build();
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(counting, "OptimizerStepBench")) {
            opt.step(w, sums);
            return ws.getThisCycleAllocations();
        }
    }

    /** One weight block, the batch-norm scales, shifts and running statistics of a ResNet-50-like network. */
    static ParameterLayout layout(long n) {
        long weights = n - 2L * NORM_CHANNELS - STATISTICS;
        List<ParameterLayout.Segment> s = new ArrayList<>();
        long offset = 0;
        Object[][] parts = {{"W", ParameterRole.WEIGHT, weights},
                {"gamma", ParameterRole.NORM_SCALE, (long) NORM_CHANNELS},
                {"beta", ParameterRole.NORM_SHIFT, (long) NORM_CHANNELS},
                {"mean", ParameterRole.NORM_STATISTIC, (long) STATISTICS}};
        for (int i = 0; i < parts.length; i++) {
            long len = (Long) parts[i][2];
            s.add(new ParameterLayout.Segment(String.valueOf(i), i, (String) parts[i][0], (ParameterRole) parts[i][1],
                    offset, len, new long[]{len}));
            offset += len;
        }
        return new ParameterLayout(s, offset);
    }

    static float[] gaussian(Random random, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextGaussian() * scale);
        }
        return v;
    }

    static double[] sorted(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a;
    }

    static double median(double[] sorted) {
        int m = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[m] : (sorted[m - 1] + sorted[m]) / 2;
    }
}
