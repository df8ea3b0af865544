package dev.bigbatch.data.dataset;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParquetSplitWriterTest {
    private static final SparkSession SPARK = TestSpark.session();

    @TempDir
    java.nio.file.Path dir;

    private static byte[] image(int v) {
        byte[] b = new byte[12];
        java.util.Arrays.fill(b, (byte) v);
        return b;
    }

    @Test
    void statisticsAreExactOverTheBytes() {
        SplitStatistics s = new SplitStatistics(2, 3);
        // Channel planes of 4 pixels: channel 0 = {0, 255, 0, 255}, channel 1 = 51, channel 2 = 0 then 255.
        s.add(1, new byte[]{0, (byte) 255, 0, (byte) 255, 51, 51, 51, 51, 0, 0, 0, 0});
        s.add(1, new byte[]{0, (byte) 255, 0, (byte) 255, 51, 51, 51, 51, -1, -1, -1, -1});
        assertEquals(new SplitSummary(2, java.util.List.of(0L, 2L)), s.summary());
        assertEquals(java.util.List.of(0.5, 0.2, 0.5), s.mean());
        assertEquals(java.util.List.of(0.5, 0.0, 0.5), s.std());
    }

    @Test
    void writtenDataThatDoesNotReconcileIsReported() throws IOException {
        Path split = new Path(dir.resolve("train").toUri());
        SplitStatistics stats = new SplitStatistics(2, 3);
        ParquetSplitWriter w = new ParquetSplitWriter(SPARK, split, 4, 2);
        for (int i = 0; i < 4; i++) {
            stats.add(i % 2, image(i));
            w.add(i, i % 2, -1, image(i));
        }
        // The first shard is on disk once the third record arrived; a stray copy of it is a foreign writer.
        java.nio.file.Path first;
        try (Stream<java.nio.file.Path> files = Files.list(dir.resolve("train"))) {
            first = files.filter(p -> p.toString().endsWith(".parquet")).findFirst().orElseThrow();
        }
        Files.copy(first, dir.resolve("train/part-99999-stray.snappy.parquet"));
        IOException e = assertThrows(IOException.class, () -> w.finish(stats));
        assertTrue(e.getMessage().contains("does not reconcile") && e.getMessage().contains("6 rows"),
                e.getMessage());
    }

    @Test
    void announcedCountMustBeDelivered() {
        ParquetSplitWriter w = new ParquetSplitWriter(SPARK, new Path(dir.resolve("t").toUri()), 3, 1);
        w.add(0, 0, -1, image(0));
        IOException e = assertThrows(IOException.class, () -> w.finish(new SplitStatistics(1, 3)));
        assertTrue(e.getMessage().contains("announced 3"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> w.add(5, 0, -1, image(0)));
    }

    @Test
    void refusesShardsTooLargeForOneTaskMessage() {
        long maxTask = 128L << 20;
        // CIFAR-10 train in one shard is ~150 MiB: over Spark's default 128 MiB task message.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ParquetSplitWriter.checkShardsFit("train", 50_000, 3136, 1, maxTask));
        assertTrue(e.getMessage().contains("use at least 3 shards") && e.getMessage().contains("train"),
                e.getMessage());
        ParquetSplitWriter.checkShardsFit("train", 50_000, 3136, 3, maxTask);
        ParquetSplitWriter.checkShardsFit("test", 0, 3136, 1, maxTask);
    }
}
