package dev.bigbatch.jobs.train;

import dev.bigbatch.bench.BenchDeclaration;
import dev.bigbatch.bench.BenchOptions;
import dev.bigbatch.bench.BenchRunner;
import dev.bigbatch.jobs.data.CachedSplit;
import dev.bigbatch.jobs.data.CifarImageDecoder;
import dev.bigbatch.jobs.sampling.TrainingSample;
import dev.bigbatch.model.ModelFactory;
import dev.bigbatch.model.ModelSpec;
import dev.bigbatch.model.NetworkSpec;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * What laying a split out for exact evaluation ({@link EvaluationSplit}) costs: on a Parquet split of random
 * CIFAR-format images, each round loads it as the training split is cached ({@link CachedSplit#load}, which is how
 * evaluation splits were cached before) and as an {@link EvaluationSplit}, then caches a training sample from the
 * first ({@link EvaluationSplit#select}, which used to be a narrow map without a shuffle), and evaluates both
 * evaluation splits once for scale. Reports shuffle bytes written (Spark's task metrics, independent of load) and
 * wall time; the two loads run interleaved, round after round, so machine noise hits both.
 *
 * <pre>
 *   java ... dev.bigbatch.jobs.train.EvaluationLayoutBench [examples=10000] [partitions=2] [batch=256] [sample=2000]
 *       [rounds=3] [model=small-cnn]
 * </pre>
 */
public final class EvaluationLayoutBench {
    private static final int IMAGE_BYTES = 3072;
    private static final long DATA_SEED = 5;

    private EvaluationLayoutBench() {
    }

    /** What one run measures. */
    public record Settings(int examples, int partitions, int batch, int sample, int rounds, String model) {
    }

    public static void main(String[] args) {
        BenchRunner.main(args, options(), EvaluationLayoutBench::read, EvaluationLayoutBench::run);
    }

    public static BenchDeclaration options() {
        return BenchOptions.declare("EvaluationLayoutBench", "Shuffle bytes and time of caching a split for exact "
                        + "evaluation against caching it as the training split is")
                .key("examples", 10000, "random CIFAR-format images in the split")
                .key("partitions", 2, "data.partitions, and Spark local[partitions]")
                .key("batch", 256, "train.eval-batch-size, the chunk size")
                .key("sample", 2000, "train.eval-train-sample")
                .key("rounds", 3, "interleaved rounds")
                .key("model", "small-cnn", "model evaluated once per round for scale, width 16: "
                        + String.join(", ", ModelSpec.NAMES));
    }

    public static Settings read(BenchOptions o) {
        return new Settings(o.getIntAtLeast("examples", 1), o.getIntAtLeast("partitions", 1),
                o.getIntAtLeast("batch", 1), o.getIntAtLeast("sample", 1), o.getIntAtLeast("rounds", 1),
                o.getOneOf("model", ModelSpec.NAMES));
    }

    /** Sums the shuffle bytes every finished task wrote. */
    static final class ShuffleBytes extends SparkListener {
        final AtomicLong written = new AtomicLong();

        @Override
        public void onTaskEnd(SparkListenerTaskEnd end) {
            if (end.taskMetrics() != null) {
                written.addAndGet(end.taskMetrics().shuffleWriteMetrics().bytesWritten());
            }
        }
    }

    private static void run(Settings s) throws Exception {
        SparkSession spark = SparkSession.builder().master("local[" + s.partitions() + "]")
                .appName("EvaluationLayoutBench").config("spark.ui.enabled", "false")
                .config("spark.driver.host", "127.0.0.1").getOrCreate();
        Path dir = Files.createTempDirectory("bigbatch-evaluation-layout");
        try {
            JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            ShuffleBytes shuffle = new ShuffleBytes();
            sc.sc().addSparkListener(shuffle);
            String uri = dir.resolve("test").toUri().toString();
            writeSplit(spark, uri, s.examples());
            var net = ModelFactory.build(new ModelSpec(s.model(), 16, 10, 3, 32, 32, 1));
            float[] params = net.params().toFloatVector();
            Broadcast<RunSpec> run = sc.broadcast(new RunSpec(NetworkSpec.of(net, 3, 32, 32),
                    new CifarImageDecoder(new double[]{0.5, 0.5, 0.5}, new double[]{0.25, 0.25, 0.25}), 1, false, 32));
            long[] ids = TrainingSample.ids(s.examples(), s.sample(), 1);
            System.out.printf("%,d examples of %d bytes (%,d image bytes), %d partitions, chunks of %d, sample %,d, "
                    + "%s%n", s.examples(), IMAGE_BYTES, (long) s.examples() * IMAGE_BYTES, s.partitions(), s.batch(),
                    ids.length, s.model());
            System.out.println("round | training-layout load ms, shuffle B | evaluation-layout load ms, shuffle B | "
                    + "ratio ms, B | one evaluation ms | sample select ms, shuffle B | sample evaluation ms");
            for (int r = 0; r < s.rounds(); r++) {
                Measured<CachedSplit> old = measure(sc, shuffle, () -> CachedSplit.load(spark, uri, s.partitions()));
                Measured<EvaluationSplit> laid = measure(sc, shuffle,
                        () -> EvaluationSplit.load(spark, uri, s.partitions(), s.batch()));
                long t0 = System.nanoTime();
                Evaluation.run(sc, laid.value(), run, params);
                long evalNanos = System.nanoTime() - t0;
                Measured<EvaluationSplit> sample = measure(sc, shuffle,
                        () -> EvaluationSplit.select(old.value(), ids, s.batch(), "sample"));
                t0 = System.nanoTime();
                Evaluation.run(sc, sample.value(), run, params);
                long sampleNanos = System.nanoTime() - t0;
                System.out.printf("%d | %.0f, %,d | %.0f, %,d | %.3f, %.4f | %.0f | %.0f, %,d | %.0f%n", r,
                        old.nanos() / 1e6, old.bytes(), laid.nanos() / 1e6, laid.bytes(),
                        (double) laid.nanos() / old.nanos(), (double) laid.bytes() / old.bytes(), evalNanos / 1e6,
                        sample.nanos() / 1e6, sample.bytes(), sampleNanos / 1e6);
                sample.value().release();
                laid.value().release();
                old.value().release();
            }
            run.destroy();
        } finally {
            spark.stop();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    record Measured<T>(T value, long nanos, long bytes) {
    }

    /** Runs {@code load} (which materializes its cache) and counts its time and the shuffle bytes its tasks wrote. */
    private static <T> Measured<T> measure(JavaSparkContext sc, ShuffleBytes shuffle, Supplier<T> load)
            throws Exception {
        sc.sc().listenerBus().waitUntilEmpty();
        long before = shuffle.written.get();
        long t0 = System.nanoTime();
        T value = load.get();
        long nanos = System.nanoTime() - t0;
        sc.sc().listenerBus().waitUntilEmpty(); // task-end events arrive asynchronously
        return new Measured<>(value, nanos, shuffle.written.get() - before);
    }

    /** A prepared-layout Parquet split of {@code n} random images (ids 0..n−1, 10 classes), seeded. */
    private static void writeSplit(SparkSession spark, String uri, int n) {
        StructType schema = new StructType().add("id", DataTypes.LongType, false)
                .add("label", DataTypes.IntegerType, false).add("image", DataTypes.BinaryType, false);
        SplittableRandom rng = new SplittableRandom(DATA_SEED);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] img = new byte[IMAGE_BYTES];
            for (int k = 0; k < img.length; k++) {
                img[k] = (byte) rng.nextInt(256);
            }
            rows.add(RowFactory.create((long) i, rng.nextInt(10), img));
        }
        spark.createDataFrame(rows, schema).repartition(4).write().parquet(uri);
    }
}
