package dev.bigbatch.jobs.train;

import dev.bigbatch.jobs.aggregate.GhostTree;
import dev.bigbatch.jobs.data.CachedSplit;
import dev.bigbatch.jobs.data.ExampleBlock;
import dev.bigbatch.jobs.data.ExampleRecord;
import dev.bigbatch.jobs.exit.DataError;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A split cached for evaluation, laid out so that every example is always evaluated in the same batch: its examples in
 * id order are cut into chunks of the evaluation batch size b (chunk k holds the examples of rank kb .. kb + b − 1,
 * the last one fewer), and partition p of P caches the contiguous chunks {@link GhostTree#ownedRange}(p, P, K),
 * K = ⌈n / b⌉, as one block in id order ({@link GhostPartitioner}, as the ghost batches of a training step). An
 * evaluation runs each chunk through the network as one batch and sums the chunks along the tree over 0..K−1
 * ({@link Evaluation}), so its numbers depend on the data, the parameters and b, not on P, the executors or the order
 * tasks finish in. (They do depend on b: the network's float output for an example depends on the batch it runs in.)
 *
 * <p>Cost: laying the split out is the one shuffle that caching a split always was ({@link CachedSplit#load}
 * repartitions too); evaluations move no examples.
 */
public final class EvaluationSplit {
    private final CachedSplit cached;
    private final Layout layout;

    private EvaluationSplit(CachedSplit cached, Layout layout) {
        this.cached = cached;
        this.layout = layout;
    }

    /**
     * Where each example of an evaluation split lives.
     *
     * @param examples   n, examples in the split
     * @param batchSize  b, examples per chunk (the evaluation batch size)
     * @param partitions P
     */
    public record Layout(long examples, int batchSize, int partitions) implements Serializable {
        public Layout {
            if (examples < 0 || batchSize < 1 || partitions < 1) {
                throw new IllegalArgumentException("layout of " + examples + " examples in chunks of " + batchSize
                        + " over " + partitions + " partitions");
            }
            if ((examples + batchSize - 1) / batchSize > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(examples + " examples make more than 2^31 chunks of " + batchSize);
            }
        }

        /** K = ⌈n / b⌉. */
        public int chunkCount() {
            return (int) ((examples + batchSize - 1) / batchSize);
        }

        /** The chunk of the example of rank {@code rank} (its position in id order). */
        int chunkOf(long rank) {
            return (int) (rank / batchSize);
        }

        /** The chunks partition {@code p} caches, [first, end). */
        int[] chunksOf(int p) {
            return GhostTree.ownedRange(p, partitions, chunkCount());
        }

        /** How many examples partition {@code p} caches. */
        long examplesOf(int p) {
            int[] c = chunksOf(p);
            return Math.min((long) c[1] * batchSize, examples) - (long) c[0] * batchSize;
        }
    }

    /**
     * Reads {@code uri} (a prepared split directory of Parquet files, whose ids are 0..n−1) and caches it in
     * {@code partitions} partitions laid out for evaluation batches of {@code batchSize}.
     */
    public static EvaluationSplit load(SparkSession spark, String uri, int partitions, int batchSize) {
        // Parquet answers a count from its footers, without reading the images.
        long n = spark.read().parquet(uri).count();
        Layout layout = new Layout(n, batchSize, partitions);
        JavaPairRDD<Integer, ExampleRecord> byChunk = CachedSplit.records(spark, uri)
                .mapToPair(r -> new Tuple2<>(layout.chunkOf(checkedId(r, n, uri)), r));
        return cache(byChunk, layout, "bigbatch evaluation " + uri);
    }

    /**
     * The examples of {@code split} whose ids are in {@code sortedIds} (ascending; each must be in the split),
     * cached in as many partitions as {@code split} and laid out for evaluation batches of {@code batchSize}. Costs
     * one shuffle of the selected examples.
     */
    public static EvaluationSplit select(CachedSplit split, long[] sortedIds, int batchSize, String name) {
        Layout layout = new Layout(sortedIds.length, batchSize, split.partitions());
        JavaPairRDD<Integer, ExampleRecord> byChunk = split.blocks().flatMapToPair(b -> {
            List<Tuple2<Integer, ExampleRecord>> out = new ArrayList<>();
            for (int i = 0; i < b.size(); i++) {
                int rank = Arrays.binarySearch(sortedIds, b.id(i));
                if (rank >= 0) {
                    out.add(new Tuple2<>(layout.chunkOf(rank), new ExampleRecord(b.id(i), b.label(i), b.image(i))));
                }
            }
            return out.iterator();
        });
        return cache(byChunk, layout, name);
    }

    private static long checkedId(ExampleRecord r, long n, String uri) {
        if (r.id() < 0 || r.id() >= n) {
            throw new DataError(uri + ": example id " + r.id() + " is outside 0.." + (n - 1) + ", the ids of a "
                    + "prepared split of " + n + " examples; prepare the dataset again");
        }
        return r.id();
    }

    private static EvaluationSplit cache(JavaPairRDD<Integer, ExampleRecord> byChunk, Layout layout, String name) {
        JavaRDD<ExampleBlock> blocks = byChunk
                .partitionBy(new GhostPartitioner(layout.partitions(), layout.chunkCount()))
                .values()
                .mapPartitionsWithIndex((p, records) -> {
                    ExampleBlock block = ExampleBlock.of(records, name);
                    if (block.size() != layout.examplesOf(p)) {
                        throw new IllegalStateException(name + ": partition " + p + " holds " + block.size()
                                + " examples, its chunks " + Arrays.toString(layout.chunksOf(p)) + " of " + layout
                                + " hold " + layout.examplesOf(p));
                    }
                    return List.of(block).iterator();
                }, true)
                .setName(name)
                .persist(StorageLevel.MEMORY_AND_DISK());
        return new EvaluationSplit(CachedSplit.of(blocks), layout);
    }

    /** One block per partition: partition p's chunks, in id order. */
    public JavaRDD<ExampleBlock> blocks() {
        return cached.blocks();
    }

    public Layout layout() {
        return layout;
    }

    public int partitions() {
        return cached.partitions();
    }

    public long count() {
        return cached.count();
    }

    public void release() {
        cached.release();
    }
}
