package dev.bigbatch.data.dataset;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes one split, streamed record by record on the driver, as {@code shards} Parquet files of consecutive ids.
 * Only one shard is held in memory: each is written by its own Spark job (one task, one file) appended to the
 * split directory. Going through the driver is fine for CIFAR (at most 150 MB per split); a source too large for
 * one machine to stream needs a distributed reader instead. Shard k holds ids [k n / shards, (k+1) n / shards);
 * with fewer records than shards, the empty shards write no file.
 *
 * <p>Each shard travels to its executor inside the task, so Spark logs it as a large task, and a shard must stay
 * below {@code spark.rpc.message.maxSize}; {@link #checkShardsFit} refuses a shard count that would break that.
 */
final class ParquetSplitWriter {
    private static final Logger LOG = LoggerFactory.getLogger(ParquetSplitWriter.class);

    private final SparkSession spark;
    private final Path dir;
    private final long expected;
    private final int shards;
    private final List<Row> rows = new ArrayList<>();
    private int shard;
    private long written;

    /**
     * @param expected the number of records the split will have (known before reading, from the source's sizes)
     */
    ParquetSplitWriter(SparkSession spark, Path dir, long expected, int shards) {
        this.spark = spark;
        this.dir = dir;
        this.expected = expected;
        this.shards = shards;
    }

    /** Buffers one record (copying the image); the previous shard is written when the next one begins. */
    void add(long id, int label, int coarseLabel, byte[] image) {
        if (id != written + rows.size() || id >= expected) {
            throw new IllegalStateException(dir + ": record " + id + " out of order or beyond the " + expected
                    + " announced; expected id " + (written + rows.size()));
        }
        while (id >= end(shard)) {
            flush();
        }
        rows.add(RowFactory.create(id, label, coarseLabel, image.clone()));
    }

    /**
     * Refuses before any writing when a shard of {@code count} records of about {@code recordBytes} would not fit,
     * with a 2x margin for serialisation overhead, in one task message of {@code maxTaskBytes}.
     */
    static void checkShardsFit(String split, long count, int recordBytes, int shards, long maxTaskBytes) {
        long shardBytes = (count + shards - 1) / shards * (long) recordBytes;
        if (2 * shardBytes > maxTaskBytes) {
            long needed = (2 * count * recordBytes + maxTaskBytes - 1) / maxTaskBytes;
            throw new IllegalArgumentException(split + ": " + shards + " shards of " + count + " records are "
                    + (shardBytes >> 20) + " MiB each, but each shard is sent to its executor in one task, which must "
                    + "stay well under spark.rpc.message.maxSize (" + (maxTaskBytes >> 20) + " MiB); use at least "
                    + needed + " shards per split or raise spark.rpc.message.maxSize");
        }
    }

    private long end(int k) {
        return (k + 1) * expected / shards;
    }

    private void flush() {
        if (!rows.isEmpty()) {
            spark.createDataFrame(rows, DatasetLayout.schema()).coalesce(1).write()
                    .mode(SaveMode.Append).option("maxRecordsPerFile", 0).parquet(dir.toString());
            LOG.info("{}: shard {}/{} written ({} records)", dir, shard + 1, shards, rows.size());
        }
        written += rows.size();
        rows.clear();
        shard++;
    }

    /**
     * Writes what is left (an empty split still gets a file holding the schema), then reads the split back and
     * checks it against what was streamed: the row count, the ids 0..n-1 and the count of every label.
     *
     * @throws IOException if the written data does not reconcile with {@code stats}
     */
    void finish(SplitStatistics stats) throws IOException {
        if (written + rows.size() != expected) {
            throw new IOException(dir + ": the source announced " + expected + " records but delivered "
                    + (written + rows.size()));
        }
        while (shard < shards) {
            flush();
        }
        if (expected == 0) {
            spark.createDataFrame(List.of(), DatasetLayout.schema()).coalesce(1).write()
                    .mode(SaveMode.Append).parquet(dir.toString());
        }
        reconcile(stats);
    }

    private void reconcile(SplitStatistics stats) throws IOException {
        Dataset<Row> data = spark.read().schema(DatasetLayout.schema()).parquet(dir.toString());
        long[] perClass = new long[stats.perClass().length];
        long rowsRead = 0;
        long minId = Long.MAX_VALUE;
        long maxId = Long.MIN_VALUE;
        for (Row r : data.groupBy(DatasetLayout.LABEL).agg(functions.count(functions.lit(1)),
                functions.min(DatasetLayout.ID), functions.max(DatasetLayout.ID)).collectAsList()) {
            int label = r.getInt(0);
            if (label < 0 || label >= perClass.length) {
                throw new IOException(dir + ": holds label " + label + ", which was never written");
            }
            perClass[label] = r.getLong(1);
            rowsRead += r.getLong(1);
            minId = Math.min(minId, r.getLong(2));
            maxId = Math.max(maxId, r.getLong(3));
        }
        boolean idsOk = rowsRead == 0 || (minId == 0 && maxId == rowsRead - 1);
        if (rowsRead != stats.count() || !idsOk || !Arrays.equals(perClass, stats.perClass())) {
            throw new IOException(dir + ": the written data does not reconcile with the source: " + rowsRead
                    + " rows (ids " + minId + ".." + maxId + ") and per-class counts " + Arrays.toString(perClass)
                    + " read back, " + stats.count() + " records and " + Arrays.toString(stats.perClass())
                    + " read from the source; is another job writing here?");
        }
    }
}
