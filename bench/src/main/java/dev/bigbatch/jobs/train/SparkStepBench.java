package dev.bigbatch.jobs.train;

import dev.bigbatch.bench.BenchDeclaration;
import dev.bigbatch.bench.BenchOptions;
import dev.bigbatch.bench.BenchRunner;
import dev.bigbatch.jobs.aggregate.GhostTree;
import dev.bigbatch.jobs.data.ExampleBlock;
import dev.bigbatch.jobs.sampling.GlobalBatchSampler;
import dev.bigbatch.optimizer.stats.StepRequest;
import dev.bigbatch.optimizer.stats.StepSums;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Issue 2's benchmark: time per step of the Spark loop (broadcast, route ghost batches, compute, tree-aggregate) on
 * local[T] against computing the same batch's gradient in a plain single-JVM loop on T threads (each thread with its
 * own network replica, ghost batches split the same way, sums merged the same way), for CIFAR ResNet-20 at global
 * batch 512 by default. Both sides run interleaved in the same JVM, step after step, so machine noise hits both.
 *
 * <pre>
 *   java ... dev.bigbatch.jobs.train.SparkStepBench [model=resnet20] [batch=512] [threads=2] [steps=6] [warmup=2]
 * </pre>
 * Run with {@code OMP_NUM_THREADS=1} so each task or thread uses one core, as submit/local.sh does; {@code --help}
 * lists the options.
 */
public final class SparkStepBench {
    private SparkStepBench() {
    }

    /** What one run measures. */
    public record Settings(SparkStepFixture.Settings fixture, int steps, int warmup) {
    }

    public static void main(String[] args) {
        BenchRunner.main(args, options(), SparkStepBench::read, settings -> {
            try (SparkStepFixture f = SparkStepFixture.start(settings.fixture())) {
                run(f, settings.steps(), settings.warmup());
            }
        });
    }

    public static BenchDeclaration options() {
        return SparkStepFixture.options("SparkStepBench", "Time per step of the Spark loop on local[threads] against "
                        + "the same gradient computed by a plain loop on as many threads")
                .key("steps", 6, "timed steps")
                .key("warmup", 2, "untimed steps before them");
    }

    public static Settings read(BenchOptions options) {
        return new Settings(SparkStepFixture.read(options), options.getIntAtLeast("steps", 1),
                options.getIntAtLeast("warmup", 0));
    }

    private static void run(SparkStepFixture f, int steps, int warmup) throws Exception {
        String model = f.model();
        int batch = f.batch();
        int threads = f.threads();
        int ghost = SparkStepFixture.GHOST;
        RunSpec spec = f.spec();
        DistributedStep distributed = f.step();
        GlobalBatchSampler sampler = f.sampler();
        float[] params = f.network().params().toFloatVector();
        ExampleBlock all = f.examples();
        ExecutorService pool = Executors.newFixedThreadPool(threads);

        System.out.printf("model %s (%,d parameters), global batch %d in %d ghost batches, %d threads, %d steps after "
                + "%d warm-up%n", model, params.length, batch, batch / ghost, threads, steps, warmup);
        double sparkTotal = 0;
        double plainTotal = 0;
        for (int s = 0; s < warmup + steps; s++) {
            StepPlan plan = new StepPlan(s, 0, sampler.exampleIds(s), params, StepRequest.gradientOnly());
            long t0 = System.nanoTime();
            StepSums a = distributed.compute(plan);
            long t1 = System.nanoTime();
            StepSums b = plain(plan, all, spec, threads, pool);
            long t2 = System.nanoTime();
            if (!java.util.Arrays.equals(a.gradientSum(), b.gradientSum())) {
                throw new IllegalStateException("Spark and plain gradients differ at step " + s);
            }
            if (s >= warmup) {
                sparkTotal += (t1 - t0) / 1e6;
                plainTotal += (t2 - t1) / 1e6;
            }
            System.out.printf("step %d: spark %.0f ms, plain %.0f ms%n", s, (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        }
        double sparkMs = sparkTotal / steps;
        double plainMs = plainTotal / steps;
        System.gc();
        long heapUsed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        long heapPeak = 0;
        for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
            if (p.getType() == MemoryType.HEAP) {
                heapPeak += p.getPeakUsage().getUsed();
            }
        }
        System.out.printf("RESULT model=%s batch=%d threads=%d: spark %.0f ms/step (%.1f img/s), plain %.0f ms/step "
                        + "(%.1f img/s), ratio spark/plain %.3f; driver heap after GC %.0f MiB, peak %.0f MiB%n",
                model, batch, threads, sparkMs, batch / (sparkMs / 1e3), plainMs, batch / (plainMs / 1e3),
                sparkMs / plainMs, heapUsed / 1048576.0, heapPeak / 1048576.0);
        pool.shutdown();
    }

    /** The same ghost batches, the same per-thread split and the same tree, without Spark. */
    static StepSums plain(StepPlan plan, ExampleBlock all, RunSpec spec, int threads, ExecutorService pool)
            throws Exception {
        int g = spec.ghostSize();
        int ghostCount = plan.ghostCount(g);
        List<Future<List<dev.bigbatch.jobs.aggregate.RangeSum>>> parts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int[] range = GhostTree.ownedRange(t, threads, ghostCount);
            parts.add(pool.submit(() -> {
                Replica r = ReplicaPool.borrow(spec.network());
                try {
                    r.load(plan.step(), plan.params());
                    return GhostTree.sumRange(range[0], range[1], ghostCount, j -> {
                        GhostMember[] members = new GhostMember[g];
                        for (int k = 0; k < g; k++) {
                            int pos = j * g + k;
                            long id = plan.ids()[pos];
                            int i = all.indexOf(id);
                            members[k] = new GhostMember(pos, id, all.label(i), all.image(i));
                        }
                        // The executors' own per-ghost-batch sums (the plan asks for the gradient only).
                        return ShardStep.ghostSums(r, GhostBatch.decode(j, members, spec, plan.epoch()), spec, plan);
                    });
                } finally {
                    ReplicaPool.giveBack(spec.network(), r);
                }
            }));
        }
        List<dev.bigbatch.jobs.aggregate.RangeSum> nodes = new ArrayList<>();
        for (var f : parts) {
            nodes.addAll(f.get());
        }
        return GhostTree.root(nodes, ghostCount);
    }
}
