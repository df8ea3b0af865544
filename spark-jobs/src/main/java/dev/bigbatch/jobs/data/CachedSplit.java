package dev.bigbatch.jobs.data;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

import java.util.List;

/**
 * One split of a prepared dataset cached on the executors as one {@link ExampleBlock} per partition. Which partition
 * holds an example does not matter to training: steps find their members by id. (Evaluation lays its splits out by
 * id instead, so that each example is always evaluated in the same batch: {@code train.EvaluationSplit}.)
 */
public final class CachedSplit {
    private final JavaRDD<ExampleBlock> blocks;
    private final long count;

    private CachedSplit(JavaRDD<ExampleBlock> blocks, long count) {
        this.blocks = blocks;
        this.count = count;
    }

    /** Reads {@code uri} (a split directory of Parquet files) into {@code partitions} cached blocks. */
    public static CachedSplit load(SparkSession spark, String uri, int partitions) {
        JavaRDD<ExampleBlock> blocks = records(spark, uri).repartition(partitions)
                .mapPartitions(it -> List.of(ExampleBlock.of(it, uri)).iterator())
                .setName("bigbatch " + uri)
                .persist(StorageLevel.MEMORY_AND_DISK());
        return of(blocks);
    }

    /** The examples of {@code uri} (a split directory of Parquet files), uncached, partitioned as the files are. */
    public static JavaRDD<ExampleRecord> records(SparkSession spark, String uri) {
        return spark.read().parquet(uri).select("id", "label", "image").javaRDD().map(CachedSplit::toRecord);
    }

    /** Wraps blocks cached elsewhere (evaluation splits, benchmarks, tests); counts and materializes them. */
    public static CachedSplit of(JavaRDD<ExampleBlock> blocks) {
        long n = blocks.map(ExampleBlock::size).fold(0, Integer::sum);
        return new CachedSplit(blocks, n);
    }

    private static ExampleRecord toRecord(Row r) {
        return new ExampleRecord(r.getLong(0), r.getInt(1), (byte[]) r.get(2));
    }

    public JavaRDD<ExampleBlock> blocks() {
        return blocks;
    }

    public int partitions() {
        return blocks.getNumPartitions();
    }

    public long count() {
        return count;
    }

    public void release() {
        blocks.unpersist(false);
    }
}
