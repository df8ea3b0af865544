package dev.bigbatch.data.dataset;

import dev.bigbatch.data.cifar.CifarFormatException;
import dev.bigbatch.data.cifar.CifarReader;
import dev.bigbatch.data.cifar.CifarSplit;
import dev.bigbatch.data.cifar.CifarTestArchives;
import dev.bigbatch.data.cifar.SyntheticCifar;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.bigbatch.data.cifar.CifarTestArchives.uri;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CifarPreparationTest {
    private static final SparkSession SPARK = TestSpark.session();
    private static final Configuration CONF = SPARK.sparkContext().hadoopConfiguration();

    @TempDir
    Path dir;

    private String synthetic(String name, int train, int test, int classes, long seed) throws IOException {
        String uri = uri(dir.resolve(name));
        new SyntheticCifar(train, test, classes, seed).write(uri, CONF, false);
        return uri;
    }

    /** A source record, as the reader gives it. */
    record Source(long id, int label, int coarse, byte[] image) {
    }

    private static List<Source> source(String input, CifarSplit split) throws IOException {
        List<Source> out = new ArrayList<>();
        CifarReader.open(input, CONF).read(split, (id, l, c, img) -> out.add(new Source(id, l, c, img.clone())));
        return out;
    }

    private static List<Row> rows(Path out, String split) {
        List<Row> rows = new ArrayList<>(SPARK.read().parquet(out.resolve(split).toString()).collectAsList());
        rows.sort(Comparator.comparingLong(r -> r.getLong(r.fieldIndex(DatasetLayout.ID))));
        return rows;
    }

    private static List<Path> parquetFiles(Path splitDir) throws IOException {
        try (Stream<Path> s = Files.list(splitDir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).toList();
        }
    }

    /** The rows of a split are exactly the source records, and the manifest counts them right. */
    private static void assertSplitMatchesSource(String input, Path out, CifarSplit split, DatasetManifest m)
            throws IOException {
        List<Source> expected = source(input, split);
        List<Row> rows = rows(out, split.dirName());
        assertEquals(expected.size(), rows.size());
        long[] perClass = new long[m.numClasses()];
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            assertEquals(i, r.getLong(r.fieldIndex(DatasetLayout.ID)));
            assertEquals(expected.get(i).label(), r.getInt(r.fieldIndex(DatasetLayout.LABEL)));
            assertEquals(expected.get(i).coarse(), r.getInt(r.fieldIndex(DatasetLayout.COARSE_LABEL)));
            assertArrayEquals(expected.get(i).image(), (byte[]) r.get(r.fieldIndex(DatasetLayout.IMAGE)));
            perClass[expected.get(i).label()]++;
        }
        assertEquals(expected.size(), m.split(split.dirName()).count());
        assertEquals(java.util.Arrays.stream(perClass).boxed().toList(), m.split(split.dirName()).perClass());
    }

    @Test
    void preparesSyntheticCifar10EndToEnd() throws IOException {
        String input = synthetic("s.tar.gz", 23, 7, 4, 5);
        Path out = dir.resolve("out");
        PreparationResult result = CifarPreparation.run(SPARK, input, uri(out), 3, false);
        DatasetManifest m = DatasetManifest.load(uri(out), CONF);
        assertEquals(result.manifest(), m);
        assertEquals("cifar-10", m.source());
        assertEquals(DatasetLayout.ENCODING_RAW_U8_CHW, m.encoding());
        assertEquals(List.of(32, 32, 3), List.of(m.height(), m.width(), m.channels()));
        assertEquals(List.of("class_0", "class_1", "class_2", "class_3"), m.classes());
        assertNull(m.coarseClasses());
        assertEquals(CifarPreparation.CREATED_BY, m.createdBy());
        assertSplitMatchesSource(input, out, CifarSplit.TRAIN, m);
        assertSplitMatchesSource(input, out, CifarSplit.TEST, m);
        assertEquals(3, parquetFiles(out.resolve("train")).size());
        assertEquals(3, parquetFiles(out.resolve("test")).size());

        // Mean and std over the training pixels in [0, 1], computed here the plain way.
        double[] sum = new double[3];
        double[] sq = new double[3];
        List<Source> train = source(input, CifarSplit.TRAIN);
        for (Source s : train) {
            for (int i = 0; i < 3072; i++) {
                double v = (s.image()[i] & 0xFF) / 255.0;
                sum[i / 1024] += v;
                sq[i / 1024] += v * v;
            }
        }
        double n = train.size() * 1024.0;
        for (int c = 0; c < 3; c++) {
            double mean = sum[c] / n;
            // 1e-12: double rounding of the plain sums here against exact integer sums there.
            assertEquals(mean, m.mean().get(c), 1e-12);
            assertEquals(Math.sqrt(sq[c] / n - mean * mean), m.std().get(c), 1e-12);
        }
        assertManifestWrittenLast(out);
    }

    private static void assertManifestWrittenLast(Path out) throws IOException {
        long manifestTime = Files.getLastModifiedTime(out.resolve(DatasetLayout.MANIFEST)).toMillis();
        for (String split : List.of("train", "test")) {
            for (Path p : parquetFiles(out.resolve(split))) {
                assertTrue(Files.getLastModifiedTime(p).toMillis() <= manifestTime, p + " after the manifest");
            }
        }
        assertFalse(Files.exists(out.resolve(DatasetLayout.MANIFEST_TEMP)));
    }

    @Test
    void preparesCifar100WithCoarseLabels() throws IOException {
        String input = uri(CifarTestArchives.writeArchive(dir.resolve("c100.tar.gz"), CifarTestArchives.cifar100(),
                true));
        Path out = dir.resolve("out100");
        DatasetManifest m = CifarPreparation.run(SPARK, input, uri(out), 2, false).manifest();
        assertEquals("cifar-100", m.source());
        assertEquals(100, m.classes().size());
        assertEquals(20, m.coarseClasses().size());
        assertSplitMatchesSource(input, out, CifarSplit.TRAIN, m);
        assertSplitMatchesSource(input, out, CifarSplit.TEST, m);
    }

    @Test
    void secondRunRefusesWithoutOverwriteAndReplacesWithIt() throws IOException {
        Path out = dir.resolve("out");
        CifarPreparation.run(SPARK, synthetic("a.tar.gz", 6, 2, 2, 1), uri(out), 2, false);
        byte[] manifest = Files.readAllBytes(out.resolve(DatasetLayout.MANIFEST));
        String other = synthetic("b.tar.gz", 9, 3, 3, 2);
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> CifarPreparation.run(SPARK, other, uri(out), 2, false));
        assertTrue(e.getMessage().contains("already holds a prepared dataset")
                && e.getMessage().contains("overwrite"), e.getMessage());
        assertArrayEquals(manifest, Files.readAllBytes(out.resolve(DatasetLayout.MANIFEST)), "left untouched");

        DatasetManifest replaced = CifarPreparation.run(SPARK, other, uri(out), 2, true).manifest();
        assertEquals(9, replaced.split("train").count());
        assertEquals(9, rows(out, "train").size(), "no rows of the first dataset remain");
        assertEquals(3, rows(out, "test").size());
    }

    @Test
    void corruptArchiveLeavesNoManifestAndNoData() throws IOException {
        Path garbage = Files.write(dir.resolve("garbage.tar.gz"), new byte[]{0x1f, (byte) 0x8b, 8, 0, 1, 2, 3});
        Path out = dir.resolve("out");
        assertThrows(CifarFormatException.class, () -> CifarPreparation.run(SPARK, uri(garbage), uri(out), 2, false));
        assertFalse(Files.exists(out.resolve(DatasetLayout.MANIFEST)));

        // A bad label in the last member read: the training split is already written when it is found.
        Map<String, byte[]> members = CifarTestArchives.cifar10();
        members.get(CifarTestArchives.FOLDER_10 + "test_batch.bin")[2 * 3073] = 12;
        Path bad = CifarTestArchives.writeArchive(dir.resolve("bad.tar.gz"), members, true);
        CifarFormatException e = assertThrows(CifarFormatException.class,
                () -> CifarPreparation.run(SPARK, uri(bad), uri(out), 2, false));
        assertTrue(e.getMessage().contains("test_batch.bin at byte offset " + 2 * 3073), e.getMessage());
        assertFalse(Files.exists(out.resolve(DatasetLayout.MANIFEST)));
        assertFalse(Files.exists(out.resolve("train")), "partial training split removed");
        assertFalse(Files.exists(out.resolve("test")));
        IOException refused = assertThrows(IOException.class, () -> DatasetManifest.load(uri(out), CONF));
        assertTrue(refused.getMessage().contains("incomplete"), refused.getMessage());
    }

    @Test
    void badInputDoesNotDestroyAnExistingDatasetEvenWithOverwrite() throws IOException {
        Path out = dir.resolve("out");
        DatasetManifest good = CifarPreparation.run(SPARK, synthetic("a.tar.gz", 4, 2, 2, 1), uri(out), 1, false)
                .manifest();
        Path garbage = Files.writeString(dir.resolve("garbage.tar.gz"), "not an archive");
        assertThrows(CifarFormatException.class, () -> CifarPreparation.run(SPARK, uri(garbage), uri(out), 1, true));
        assertEquals(good, DatasetManifest.load(uri(out), CONF));
        assertEquals(4, rows(out, "train").size());
    }

    @Test
    void leftoversOfAnInterruptedRunAreCleanedOthersKept() throws IOException {
        Path out = dir.resolve("out");
        Files.createDirectories(out.resolve("train"));
        Files.write(out.resolve("train/part-00000-stale.snappy.parquet"), new byte[]{1, 2, 3});
        Files.writeString(out.resolve(DatasetLayout.MANIFEST_TEMP), "{}");
        Files.writeString(out.resolve("notes.txt"), "mine");
        CifarPreparation.run(SPARK, synthetic("a.tar.gz", 5, 2, 2, 3), uri(out), 2, false);
        assertEquals(5, rows(out, "train").size());
        assertFalse(Files.exists(out.resolve("train/part-00000-stale.snappy.parquet")));
        assertEquals("mine", Files.readString(out.resolve("notes.txt")));
    }

    @Test
    void moreShardsThanRecordsAndAnEmptyTestSplit() throws IOException {
        Path out = dir.resolve("out");
        DatasetManifest m = CifarPreparation.run(SPARK, synthetic("a.tar.gz", 2, 0, 3, 4), uri(out), 4, false)
                .manifest();
        assertEquals(2, parquetFiles(out.resolve("train")).size(), "one file per non-empty shard");
        assertEquals(2, rows(out, "train").size());
        assertEquals(0, rows(out, "test").size());
        assertEquals(new SplitSummary(0, List.of(0L, 0L, 0L)), m.split("test"));
    }

    @Test
    void rejectsZeroShards() {
        assertThrows(IllegalArgumentException.class,
                () -> CifarPreparation.run(SPARK, "x", uri(dir.resolve("out")), 0, false));
    }
}
