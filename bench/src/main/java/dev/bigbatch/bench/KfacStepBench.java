package dev.bigbatch.bench;

import dev.bigbatch.bench.KfacStepSamples.Kind;
import dev.bigbatch.jobs.kfac.SparkFactorInverter;
import dev.bigbatch.jobs.sampling.GlobalBatchSampler;
import dev.bigbatch.jobs.train.DistributedStep;
import dev.bigbatch.jobs.train.SparkStepFixture;
import dev.bigbatch.jobs.train.StepPlan;
import dev.bigbatch.optimizer.CommonSettings;
import dev.bigbatch.optimizer.Optimizer;
import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.ParameterRole;
import dev.bigbatch.optimizer.TrainingShape;
import dev.bigbatch.optimizer.kfac.FactorInverter;
import dev.bigbatch.optimizer.kfac.InverseLocation;
import dev.bigbatch.optimizer.kfac.KfacConfig;
import dev.bigbatch.optimizer.kfac.KfacOptimizer;
import dev.bigbatch.optimizer.regularization.WeightDecay;
import dev.bigbatch.optimizer.schedule.ScheduleConfig;
import dev.bigbatch.optimizer.sgd.MomentumSgd;
import dev.bigbatch.optimizer.state.OptimizerState;
import dev.bigbatch.optimizer.stats.StepSums;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Issue 4's benchmark: the average K-FAC step against the SGD-momentum step, through the real Spark step
 * ({@link DistributedStep}) and the real optimizers, for CIFAR ResNet-20 at global batch 512 on local[2] by default.
 *
 * <p>A K-FAC run has three kinds of step: plain (gradient only, then preconditioning on the driver), factor-update
 * (every T_cov steps: executors also compute the Kronecker factors) and inverse-update (every T_inv steps: factors,
 * then the eigendecompositions). Running T_inv = 100 steps per sample is too slow here (about 13 s a step), so each
 * kind is timed on its own, by setting the optimizer's step counter to a step of that kind, and the average K-FAC step
 * is (1 − 1/T_cov)·plain + (1/T_cov − 1/T_inv)·factor + (1/T_inv)·inverse: the proportions of a real run. Every round
 * times SGD, plain, factor, SGD, plain, inverse, interleaved in one JVM so machine noise hits all kinds; the first
 * round (building replicas, the first factors and decompositions) is warm-up.
 *
 * <pre>
 *   java ... dev.bigbatch.bench.KfacStepBench [model=resnet20] [batch=512] [threads=2] [rounds=4] [cov=10] [inv=100]
 *            [inverse-on=executors]
 * </pre>
 * Run with {@code OMP_NUM_THREADS=1}, as submit/local.sh does. Reports the ratio by wall time, by the process's CPU
 * time (executors run in this JVM in local mode; less sensitive to other processes on a shared machine) and the median
 * of the per-round wall ratios (robust to load that changes between rounds); the bytes of the aggregated sums per step
 * ({@link StepSums#payloadBytes()}); and the bytes an inverse refresh sends to and collects from its tasks.
 * {@code --help} lists the options with their defaults.
 */
public final class KfacStepBench {
    private static final com.sun.management.OperatingSystemMXBean CPU =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private KfacStepBench() {
    }

    /** What one run measures. */
    record Settings(SparkStepFixture.Settings fixture, int rounds, int cov, int inv, InverseLocation where) {
    }

    public static void main(String[] args) {
        BenchRunner.main(args, options(), KfacStepBench::read, s -> {
            try (SparkStepFixture f = SparkStepFixture.start(s.fixture())) {
                run(f, s.rounds(), s.cov(), s.inv(), s.where());
            }
        });
    }

    static BenchDeclaration options() {
        return SparkStepFixture.options("KfacStepBench", "The average K-FAC step against the SGD-momentum step, "
                        + "through the real Spark step and optimizers")
                .key("rounds", 4, "timed rounds, after one warm-up round")
                .key("cov", 10, "T_cov: steps between factor updates")
                .key("inv", 100, "T_inv: steps between inverse updates, a multiple of cov above it")
                .key("inverse-on", InverseLocation.EXECUTORS.configName(), "where the eigendecompositions run: "
                        + String.join(" or ", InverseLocation.configNames()));
    }

    static Settings read(BenchOptions options) {
        SparkStepFixture.Settings fixture = SparkStepFixture.read(options);
        int rounds = options.getIntAtLeast("rounds", 1);
        int cov = options.getIntAtLeast("cov", 1);
        int inv = options.getIntAtLeast("inv", 1);
        // K-FAC needs T_inv to be a multiple of T_cov; above it, or a "factor" step would be an inverse step.
        if (inv % cov != 0 || inv == cov) {
            throw options.invalid("inv", "is not a multiple of cov=" + cov + " above it");
        }
        return new Settings(fixture, rounds, cov, inv, options.get("inverse-on", InverseLocation::of,
                "one of " + String.join(", ", InverseLocation.configNames())));
    }

    private static void run(SparkStepFixture f, int rounds, int cov, int inv, InverseLocation where) {
        String model = f.model();
        int batch = f.batch();
        int threads = f.threads();
        int ghost = SparkStepFixture.GHOST;
        JavaSparkContext sc = f.sc();
        ComputationGraph net = f.network();
        DistributedStep distributed = f.step();
        GlobalBatchSampler sampler = f.sampler();
        ParameterLayout layout = ParameterLayout.of(net);
        TrainingShape shape = new TrainingShape(1_000_000, sampler.stepsPerEpoch(), batch);
        CommonSettings common = new CommonSettings(0.1, ScheduleConfig.constant(0.1),
                new WeightDecay(5e-4, "l2", Set.of(ParameterRole.BIAS, ParameterRole.NORM_SCALE,
                        ParameterRole.NORM_SHIFT)), 0);
        Optimizer sgd = new MomentumSgd.Config("momentum", common, 0.9).create(layout, shape);
        KfacConfig d = KfacConfig.defaults(common);
        KfacOptimizer kfac = new KfacConfig(common, cov, inv, d.factorDecay(), d.damping(), d.dampingMode(), d.klClip(),
                d.momentum(), d.fisher(), where).create(layout, shape);
        boolean executors = where == InverseLocation.EXECUTORS;
        InverseMeter meter = new InverseMeter(executors
                ? new SparkFactorInverter(sc, sc.defaultParallelism(), () -> kfac.stepCount() + 1)
                : FactorInverter.ON_DRIVER, executors ? sc.defaultParallelism() : 0);
        kfac.useInverter(meter);
        INDArray sgdParams = net.params().dup();
        INDArray kfacParams = net.params().dup();

        System.out.printf("model %s (%,d parameters), global batch %d in %d ghost batches, local[%d], T_cov %d, "
                        + "T_inv %d, inverses on the %s, %d rounds after 1 warm-up; load average %.2f%n", model,
                layout.size(), batch, batch / ghost, threads, cov, inv, where.configName(), rounds,
                CPU.getSystemLoadAverage());
        Map<Kind, KfacStepSamples> samples = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) {
            samples.put(k, new KfacStepSamples(rounds));
        }
        long sample = 0;
        for (int r = 0; r <= rounds; r++) {
            // Round 0 starts with an inverse step: it creates the blocks and their first decompositions.
            List<Kind> order = r == 0 ? List.of(Kind.INVERSE, Kind.SGD, Kind.PLAIN, Kind.FACTOR)
                    : List.of(Kind.SGD, Kind.PLAIN, Kind.FACTOR, Kind.SGD, Kind.PLAIN, Kind.INVERSE);
            for (Kind kind : order) {
                if (kind != Kind.SGD) {
                    long base = (long) inv * (r + 1);
                    jumpTo(kfac, switch (kind) {
                        case INVERSE -> r == 0 ? 0 : base;
                        case FACTOR -> base + cov;
                        default -> base + 1;
                    });
                }
                Optimizer opt = kind == Kind.SGD ? sgd : kfac;
                INDArray params = kind == Kind.SGD ? sgdParams : kfacParams;
                StepPlan plan = new StepPlan(sample, sampler.epochOf(sample), sampler.exampleIds(sample),
                        params.toFloatVector(), opt.request());
                sample++;
                meter.nanos = 0;
                long c0 = CPU.getProcessCpuTime();
                long t0 = System.nanoTime();
                StepSums sums = distributed.compute(plan);
                long t1 = System.nanoTime();
                opt.step(params, sums);
                long t2 = System.nanoTime();
                double cpuMs = (CPU.getProcessCpuTime() - c0) / 1e6;
                System.out.printf("round %d %-7s: spark %.0f ms, driver %.0f ms (eigendecompositions %.0f ms), "
                                + "process CPU %.0f ms, sums %,d bytes, loss %.4f, load average %.2f%n", r, kind,
                        (t1 - t0) / 1e6, (t2 - t1) / 1e6, meter.nanos / 1e6, cpuMs, sums.payloadBytes(),
                        sums.meanLoss(), CPU.getSystemLoadAverage());
                if (r > 0) {
                    samples.get(kind).add(r - 1, (t1 - t0) / 1e6, (t2 - t1) / 1e6, meter.nanos / 1e6, cpuMs,
                            sums.payloadBytes());
                }
            }
        }
        report(samples, rounds, cov, inv, meter, where);
    }

    static void report(Map<Kind, KfacStepSamples> samples, int rounds, int cov, int inv, InverseMeter meter,
                       InverseLocation where) {
        for (Kind k : Kind.values()) {
            KfacStepSamples t = samples.get(k);
            System.out.printf("%-7s x%d: %.0f ms/step = spark %.0f + driver %.0f (of which eigendecompositions %.0f); "
                            + "process CPU %.0f ms/step; sums %,d bytes%n", k, t.count, t.meanWall(rounds),
                    t.sparkMs / t.count, t.driverMs / t.count, t.inverseMs / t.count,
                    KfacStepSamples.mean(t.cpu, 0, rounds), t.payloadBytes);
        }
        double[] perRound = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            perRound[r] = KfacStepSamples.ratio(samples, r, r + 1, cov, inv, true);
        }
        System.out.printf("per-round K-FAC/SGD (wall): %s%n", Arrays.toString(perRound));
        double sgd = samples.get(Kind.SGD).meanWall(rounds);
        KfacStepSamples factor = samples.get(Kind.FACTOR);
        double bytes = (1 - 1.0 / cov) * samples.get(Kind.PLAIN).payloadBytes + (1.0 / cov) * factor.payloadBytes;
        System.out.printf("RESULT T_cov=%d T_inv=%d inverse-on=%s: average K-FAC step / SGD-momentum step = %.3f "
                        + "(wall), %.3f (process CPU), median of per-round wall ratios %.3f; factor step / SGD %.3f, "
                        + "inverse step / SGD %.3f (wall); bytes aggregated per step: gradient only %,d, factor step "
                        + "%,d, K-FAC average %,.0f; an inverse refresh sends %,d bytes of packed factors in %d tasks "
                        + "and collects %,d bytes of eigenvalues and eigenvectors%n", cov, inv, where.configName(),
                KfacStepSamples.ratio(samples, 0, rounds, cov, inv, true),
                KfacStepSamples.ratio(samples, 0, rounds, cov, inv, false), KfacStepSamples.median(perRound),
                factor.meanWall(rounds) / sgd, samples.get(Kind.INVERSE).meanWall(rounds) / sgd,
                samples.get(Kind.SGD).payloadBytes, factor.payloadBytes, bytes, meter.sentBytes, meter.tasks,
                meter.collectedBytes);
    }

    /** Sets K-FAC's step counter, which decides the kind of its next step; everything else is kept. */
    static void jumpTo(KfacOptimizer kfac, long step) {
        OptimizerState s = kfac.state();
        s.put("step", step);
        kfac.restore(s);
    }
}
