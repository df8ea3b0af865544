package dev.bigbatch.data.imagenet;

import dev.bigbatch.data.dataset.DatasetLayout;

import java.util.AbstractMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * One split's conversion on Spark: units are read and converted in parallel (one partition per unit), the outcomes
 * are persisted (decoding happens once although they are used three times: statistics, ids, report), aggregated,
 * and finally written as Parquet with contiguous ids in plan order.
 */
final class SplitConversion {

    private final String split;
    private final JavaRDD<ImageOutcome> outcomes;
    private final SplitStatistics statistics;

    private SplitConversion(String split, JavaRDD<ImageOutcome> outcomes, SplitStatistics statistics) {
        this.split = split;
        this.outcomes = outcomes;
        this.statistics = statistics;
    }

    /** Converts every file of the split and aggregates the statistics (the only pass that decodes). */
    static SplitConversion run(JavaSparkContext jsc, String split, List<SourceUnit> units,
                               Broadcast<SerializableConfiguration> conf, ImageConverter converter, int classes) {
        jsc.setJobDescription("prepare-imagenet: convert " + split + " (" + units.size() + " units)");
        JavaRDD<ImageOutcome> outcomes = jsc.parallelize(units, Math.max(1, units.size()))
                .flatMap(unit -> SourceUnitReader.read(unit, conf.value().value(), converter))
                .persist(StorageLevel.MEMORY_AND_DISK_SER());
        SplitStatistics stats = outcomes.treeAggregate(SplitStatistics.zero(classes), SplitStatistics::add,
                SplitStatistics::merge);
        return new SplitConversion(split, outcomes, stats);
    }

    SplitStatistics statistics() {
        return statistics;
    }

    SplitCounts counts() {
        return statistics.counts(split);
    }

    /** The quarantined files, streamed to the driver a group of partitions at a time (not collected at once). */
    Iterator<Map.Entry<String, ImageOutcome.Quarantined>> quarantined() {
        String name = split;
        // toLocalIterator runs one job per partition: merge ~100 partitions per job (no shuffle) for large splits
        int partitions = Math.max(1, (outcomes.getNumPartitions() + 99) / 100);
        Iterator<ImageOutcome> it = outcomes.filter(o -> o instanceof ImageOutcome.Quarantined)
                .coalesce(partitions).toLocalIterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Map.Entry<String, ImageOutcome.Quarantined> next() {
                return new AbstractMap.SimpleImmutableEntry<>(name, (ImageOutcome.Quarantined) it.next());
            }
        };
    }

    /**
     * Writes the converted images as Parquet files of about {@code targetShardBytes} under {@code dir}, ids
     * 0..written-1 in plan order, and checks that the files hold exactly the rows counted.
     */
    void writeParquet(SparkSession spark, Path dir, long targetShardBytes) {
        spark.sparkContext().setJobDescription("prepare-imagenet: write " + split);
        long written = counts().written();
        JavaRDD<Row> rows = outcomes.filter(o -> o instanceof ImageOutcome.Converted)
                .zipWithIndex()
                .map(t -> {
                    ImageOutcome.Converted c = (ImageOutcome.Converted) t._1();
                    return RowFactory.create(t._2(), c.label(), DatasetLayout.NO_COARSE_LABEL, c.jpeg());
                });
        long shards = Math.max(1, (statistics.encodedBytes() + targetShardBytes - 1) / targetShardBytes);
        long averageBytes = Math.max(1, statistics.encodedBytes() / Math.max(1, written));
        long rowsPerFile = Math.max(1, targetShardBytes / averageBytes);
        Dataset<Row> frame = spark.createDataFrame(rows, DatasetLayout.schema());
        frame.coalesce((int) Math.min(shards, Math.max(1, rows.getNumPartitions())))
                .write()
                .option("compression", "uncompressed") // JPEG bytes are entropy-coded already
                .option("maxRecordsPerFile", rowsPerFile)
                .parquet(dir.toString());
        long found = spark.read().parquet(dir.toString()).count();
        if (found != written) {
            throw new IllegalStateException("split " + split + ": wrote " + found + " rows to " + dir + " but "
                    + written + " images were converted");
        }
    }

    /** Drops the persisted outcomes. */
    void release() {
        outcomes.unpersist(false);
    }
}
