package dev.bigbatch.jobs.train;

import dev.bigbatch.jobs.aggregate.GhostTree;
import dev.bigbatch.jobs.data.CachedSplit;
import dev.bigbatch.jobs.data.CifarImageDecoder;
import dev.bigbatch.jobs.data.ExampleBlock;
import dev.bigbatch.jobs.data.ExampleRecord;
import dev.bigbatch.jobs.sampling.GlobalBatchSampler;
import dev.bigbatch.model.ModelFactory;
import dev.bigbatch.model.ModelSpec;
import dev.bigbatch.model.NetworkSpec;
import dev.bigbatch.optimizer.stats.StepRequest;
import dev.bigbatch.optimizer.stats.StepSums;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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
 * Run with {@code OMP_NUM_THREADS=1} so each task or thread uses one core, as submit/local.sh does.
 */
public final class SparkStepBench {
    public static void main(String[] args) throws Exception {
        String model = arg(args, "model", "resnet20");
        int batch = Integer.parseInt(arg(args, "batch", "512"));
        int threads = Integer.parseInt(arg(args, "threads", "2"));
        int steps = Integer.parseInt(arg(args, "steps", "6"));
        int warmup = Integer.parseInt(arg(args, "warmup", "2"));
        int ghost = 32;
        int n = 4 * batch;

        SparkSession spark = SparkSession.builder().master("local[" + threads + "]").appName("SparkStepBench")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<ExampleRecord> records = syntheticRecords(n);
        CachedSplit train = cached(sc, records, threads);

        ComputationGraph net = ModelFactory.build(new ModelSpec(model, 16, 10, 3, 32, 32, 1));
        RunSpec spec = new RunSpec(NetworkSpec.of(net, 3, 32, 32),
                new CifarImageDecoder(new double[]{0.5, 0.5, 0.5}, new double[]{0.25, 0.25, 0.25}), 1, true, ghost);
        Broadcast<RunSpec> run = sc.broadcast(spec);
        DistributedStep distributed = new DistributedStep(sc, train, run);
        GlobalBatchSampler sampler = new GlobalBatchSampler(n, batch, ghost, 1);
        float[] params = net.params().toFloatVector();
        ExampleBlock all = ExampleBlock.of(records.iterator());
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
        spark.stop();
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
                        GhostBatch gb = GhostBatch.decode(j, members, spec, plan.epoch());
                        StepSums sums = new StepSums();
                        Replica.GradientPass pass = r.gradient(gb.data().getFeatures(), gb.data().getLabels());
                        long[] correct = Accuracy.count(pass.output(), gb.data().getLabels(), 5);
                        sums.addExamples(g, pass.lossSum(), correct[0], correct[1]);
                        sums.addGradient(pass.gradientSum(), 1.0);
                        return sums;
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

    /** {@code n} random CIFAR-format records (ids 0..n-1), seeded. */
    public static List<ExampleRecord> syntheticRecords(int n) {
        SplittableRandom rng = new SplittableRandom(5);
        List<ExampleRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] img = new byte[3072];
            for (int k = 0; k < img.length; k++) {
                img[k] = (byte) rng.nextInt(256);
            }
            out.add(new ExampleRecord(i, rng.nextInt(10), img));
        }
        return out;
    }

    /** Caches {@code records} as one block per partition, like the loop does. */
    public static CachedSplit cached(JavaSparkContext sc, List<ExampleRecord> records, int partitions) {
        var blocks = sc.parallelize(records, partitions).mapPartitions(it -> List.of(ExampleBlock.of(it)).iterator())
                .persist(StorageLevel.MEMORY_ONLY());
        return CachedSplit.of(blocks);
    }

    /** The value of {@code key=value} among {@code args}, or {@code def}. */
    public static String arg(String[] args, String key, String def) {
        for (String a : args) {
            if (a.startsWith(key + "=")) {
                return a.substring(key.length() + 1);
            }
        }
        return def;
    }
}
