package dev.bigbatch.jobs.train;

import dev.bigbatch.bench.BenchDeclaration;
import dev.bigbatch.bench.BenchOptions;
import dev.bigbatch.jobs.data.CachedSplit;
import dev.bigbatch.jobs.data.CifarImageDecoder;
import dev.bigbatch.jobs.data.ExampleBlock;
import dev.bigbatch.jobs.data.ExampleRecord;
import dev.bigbatch.jobs.sampling.GlobalBatchSampler;
import dev.bigbatch.model.ModelFactory;
import dev.bigbatch.model.ModelSpec;
import dev.bigbatch.model.NetworkSpec;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What {@link SparkStepBench} and {@code KfacStepBench} time steps on: a {@code local[threads]} Spark session, a split
 * of 4 × batch seeded random CIFAR-format examples cached one block per partition as the loop caches it, a CIFAR model
 * (width 16, 10 classes, seed 1), its run spec (CIFAR decoder, augmentation on, ghost batches of {@value #GHOST})
 * broadcast once, the real {@link DistributedStep} over them and the split's {@link GlobalBatchSampler}.
 *
 * <p>Declares and reads the options both benches share, {@code model=resnet20 batch=512 threads=2}
 * ({@link #options}, {@link #read}); each bench adds its own keys. {@link #close()} destroys the broadcast and stops
 * the session.
 */
public final class SparkStepFixture implements AutoCloseable {
    public static final int GHOST = 32;
    public static final String DEFAULT_MODEL = "resnet20";
    public static final int DEFAULT_BATCH = 512;
    public static final int DEFAULT_THREADS = 2;
    /** The split holds this many global batches. */
    private static final int SPLIT_BATCHES = 4;
    private static final long MODEL_SEED = 1;
    private static final long RUN_SEED = 1;
    private static final long DATA_SEED = 5;

    private final Settings settings;
    private final SparkSession spark;
    private final JavaSparkContext sc;
    private final List<ExampleRecord> records;
    private final ComputationGraph net;
    private final RunSpec spec;
    private final Broadcast<RunSpec> run;
    private final DistributedStep step;
    private final GlobalBatchSampler sampler;

    /**
     * The shared options, read.
     *
     * @param bench the bench's name, also the Spark application's
     */
    public record Settings(String bench, String model, int batch, int threads) {
    }

    private SparkStepFixture(Settings settings) {
        this.settings = settings;
        int n = SPLIT_BATCHES * settings.batch();
        spark = SparkSession.builder().master("local[" + settings.threads() + "]").appName(settings.bench())
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
        sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        records = syntheticRecords(n);
        CachedSplit train = cached(sc, records, settings.threads());
        net = ModelFactory.build(new ModelSpec(settings.model(), 16, 10, 3, 32, 32, MODEL_SEED));
        spec = new RunSpec(NetworkSpec.of(net, 3, 32, 32),
                new CifarImageDecoder(new double[]{0.5, 0.5, 0.5}, new double[]{0.25, 0.25, 0.25}), RUN_SEED, true,
                GHOST);
        run = sc.broadcast(spec);
        step = new DistributedStep(sc, train, run);
        sampler = new GlobalBatchSampler(n, settings.batch(), GHOST, 1);
    }

    /**
     * The options of a bench on this fixture: the shared {@code model}, {@code batch} and {@code threads}; the bench
     * adds its own and reads the shared ones with {@link #read}.
     */
    public static BenchDeclaration options(String bench, String summary) {
        return BenchOptions.declare(bench, summary)
                .key("model", DEFAULT_MODEL, "model at width 16 on 32x32 inputs: " + String.join(", ",
                        ModelSpec.NAMES))
                .key("batch", DEFAULT_BATCH, "global batch, a multiple of the ghost batch " + GHOST + "; the data "
                        + "are " + SPLIT_BATCHES + " global batches")
                .key("threads", DEFAULT_THREADS, "Spark local[threads], one partition per thread");
    }

    /** The shared options of {@code options} (declared by {@link #options}), checked. */
    public static Settings read(BenchOptions options) {
        int batch = options.getIntAtLeast("batch", 1);
        if (batch % GHOST != 0) {
            throw options.invalid("batch", "is not a multiple of the ghost batch " + GHOST);
        }
        return new Settings(options.bench(), options.getOneOf("model", ModelSpec.NAMES), batch,
                options.getIntAtLeast("threads", 1));
    }

    /** Starts a session named after the bench and builds everything from the shared options. */
    public static SparkStepFixture start(Settings settings) {
        return new SparkStepFixture(settings);
    }

    public String model() {
        return settings.model();
    }

    public int batch() {
        return settings.batch();
    }

    public int threads() {
        return settings.threads();
    }

    public JavaSparkContext sc() {
        return sc;
    }

    /** The split's examples, as a single-JVM loop would read them. */
    public ExampleBlock examples() {
        return ExampleBlock.of(records.iterator(), "generated records");
    }

    public ComputationGraph network() {
        return net;
    }

    public RunSpec spec() {
        return spec;
    }

    public DistributedStep step() {
        return step;
    }

    public GlobalBatchSampler sampler() {
        return sampler;
    }

    @Override
    public void close() {
        run.destroy();
        spark.stop();
    }

    /** {@code n} random CIFAR-format records (ids 0..n-1), seeded. */
    static List<ExampleRecord> syntheticRecords(int n) {
        SplittableRandom rng = new SplittableRandom(DATA_SEED);
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
    static CachedSplit cached(JavaSparkContext sc, List<ExampleRecord> records, int partitions) {
        var blocks = sc.parallelize(records, partitions).mapPartitions(it -> List.of(ExampleBlock.of(it, "generated records")).iterator())
                .persist(StorageLevel.MEMORY_ONLY());
        return CachedSplit.of(blocks);
    }
}
