package dev.bigbatch.data.cifar;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.bigbatch.data.cifar.CifarTestArchives.FOLDER_10;
import static dev.bigbatch.data.cifar.CifarTestArchives.FOLDER_100;
import static dev.bigbatch.data.cifar.CifarTestArchives.uri;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CifarReaderTest {
    private static final Configuration CONF = new Configuration();

    @TempDir
    Path dir;

    /** What a sink received, images copied. */
    record Received(long id, int label, int coarse, byte[] image) {
    }

    static List<Received> readAll(CifarReader reader, CifarSplit split) throws IOException {
        List<Received> out = new ArrayList<>();
        long n = reader.read(split, (id, label, coarse, image) -> out.add(new Received(id, label, coarse,
                image.clone())));
        assertEquals(out.size(), n);
        return out;
    }

    /** Record r of a split must be the fixture's record with key {@code firstKey + r}. */
    private static void assertCifar10Split(List<Received> got, int firstKey, int count) {
        assertEquals(count, got.size());
        for (int r = 0; r < count; r++) {
            assertEquals(r, got.get(r).id());
            assertEquals(CifarTestArchives.label10(firstKey + r), got.get(r).label(), "label of record " + r);
            assertEquals(CifarVariant.NO_COARSE_LABEL, got.get(r).coarse());
            assertArrayEquals(CifarTestArchives.image(firstKey + r), got.get(r).image(), "pixels of record " + r);
        }
    }

    private void assertCifar10Fixture(CifarReader reader) throws IOException {
        assertEquals(CifarVariant.CIFAR_10, reader.variant());
        assertEquals(List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
                "truck"), reader.classNames());
        assertEquals(List.of(), reader.coarseClassNames());
        assertEquals(CifarTestArchives.TRAIN, reader.count(CifarSplit.TRAIN));
        assertEquals(CifarTestArchives.TEST, reader.count(CifarSplit.TEST));
        // Train ids follow data_batch_1..5 although the archive stores them as 1, 3, 4, 2, 5.
        assertCifar10Split(readAll(reader, CifarSplit.TRAIN), 0, CifarTestArchives.TRAIN);
        assertCifar10Split(readAll(reader, CifarSplit.TEST), 1000, CifarTestArchives.TEST);
    }

    @Test
    void readsCifar10TarGzInSourceOrderWithExactPixels() throws IOException {
        Path file = CifarTestArchives.writeArchive(dir.resolve("c10.tar.gz"), CifarTestArchives.cifar10(), true);
        assertCifar10Fixture(CifarReader.open(uri(file), CONF));
    }

    @Test
    void readsPlainTarAndSchemeLessPaths() throws IOException {
        Path file = CifarTestArchives.writeArchive(dir.resolve("c10.tar"), CifarTestArchives.cifar10(), false);
        assertCifar10Fixture(CifarReader.open(file.toString(), CONF));
    }

    @Test
    void readsExtractedDirectoryAtRootOrAtTheFolder() throws IOException {
        Path root = CifarTestArchives.writeDirectory(dir.resolve("x"), CifarTestArchives.cifar10());
        assertCifar10Fixture(CifarReader.open(uri(root), CONF));
        assertCifar10Fixture(CifarReader.open(uri(root.resolve(FOLDER_10)), CONF));
    }

    @Test
    void readsCifar100CoarseAndFineLabels() throws IOException {
        Path file = CifarTestArchives.writeArchive(dir.resolve("c100.tar.gz"), CifarTestArchives.cifar100(), true);
        for (String input : List.of(uri(file),
                uri(CifarTestArchives.writeDirectory(dir.resolve("x"), CifarTestArchives.cifar100())))) {
            CifarReader reader = CifarReader.open(input, CONF);
            assertEquals(CifarVariant.CIFAR_100, reader.variant());
            assertEquals(100, reader.classNames().size());
            assertEquals("fine7", reader.classNames().get(7));
            assertEquals("super19", reader.coarseClassNames().get(19));
            List<Received> train = readAll(reader, CifarSplit.TRAIN);
            List<Received> test = readAll(reader, CifarSplit.TEST);
            assertEquals(5, train.size());
            assertEquals(2, test.size());
            for (int r = 0; r < 5; r++) {
                assertEquals(CifarTestArchives.fine100(r), train.get(r).label());
                assertEquals(CifarTestArchives.coarse100(r), train.get(r).coarse());
                assertArrayEquals(CifarTestArchives.image(r), train.get(r).image());
            }
            assertEquals(CifarTestArchives.fine100(1001), test.get(1).label());
            assertEquals(CifarTestArchives.coarse100(1001), test.get(1).coarse());
            assertArrayEquals(CifarTestArchives.image(1001), test.get(1).image());
        }
    }

    private CifarFormatException openFails(Map<String, byte[]> members) throws IOException {
        Path file = CifarTestArchives.writeArchive(Files.createTempFile(dir, "bad", ".tar.gz"), members, true);
        return assertThrows(CifarFormatException.class, () -> CifarReader.open(uri(file), CONF));
    }

    private CifarFormatException readFails(Map<String, byte[]> members, CifarSplit split) throws IOException {
        Path file = CifarTestArchives.writeArchive(Files.createTempFile(dir, "bad", ".tar.gz"), members, true);
        CifarReader reader = CifarReader.open(uri(file), CONF);
        return assertThrows(CifarFormatException.class, () -> reader.read(split, (id, l, c, image) -> { }));
    }

    private static void assertNames(CifarFormatException e, String member, long offset) {
        assertEquals(member, e.member());
        assertEquals(offset, e.offset());
        assertTrue(e.getMessage().contains(member), e.getMessage());
        assertTrue(e.getMessage().contains("byte offset " + offset), e.getMessage());
    }

    @Test
    void truncatedRecordNamesMemberAndOffset() throws IOException {
        Map<String, byte[]> m = CifarTestArchives.cifar10();
        byte[] batch = m.get(FOLDER_10 + "data_batch_4.bin");
        m.put(FOLDER_10 + "data_batch_4.bin", java.util.Arrays.copyOf(batch, batch.length - 100));
        CifarFormatException e = openFails(m);
        assertNames(e, FOLDER_10 + "data_batch_4.bin", 2 * 3073);
        assertTrue(e.getMessage().contains("truncated record"), e.getMessage());
    }

    @Test
    void labelOutOfRangeNamesMemberAndOffset() throws IOException {
        Map<String, byte[]> m = CifarTestArchives.cifar10();
        m.get(FOLDER_10 + "data_batch_4.bin")[3073] = 10;
        assertNames(readFails(m, CifarSplit.TRAIN), FOLDER_10 + "data_batch_4.bin", 3073);

        Map<String, byte[]> fewNames = CifarTestArchives.cifar10();
        fewNames.put(FOLDER_10 + "batches.meta.txt", "a\nb\nc\n".getBytes());
        // The test labels are 0, 3, 6: the second record is the first beyond three classes.
        CifarFormatException e = readFails(fewNames, CifarSplit.TEST);
        assertNames(e, FOLDER_10 + "test_batch.bin", 3073);
        assertTrue(e.getMessage().contains("label 3 out of range: " + FOLDER_10 + "batches.meta.txt lists 3 classes"),
                e.getMessage());
    }

    @Test
    void cifar100LabelsOutOfRange() throws IOException {
        Map<String, byte[]> coarse = CifarTestArchives.cifar100();
        coarse.get(FOLDER_100 + "train.bin")[3 * 3074] = 20;
        assertNames(readFails(coarse, CifarSplit.TRAIN), FOLDER_100 + "train.bin", 3 * 3074);

        Map<String, byte[]> fine = CifarTestArchives.cifar100();
        fine.get(FOLDER_100 + "test.bin")[3074 + 1] = 100;
        CifarFormatException e = readFails(fine, CifarSplit.TEST);
        assertNames(e, FOLDER_100 + "test.bin", 3074 + 1);
        assertTrue(e.getMessage().contains("label 100 out of range"), e.getMessage());
    }

    @Test
    void tooManyClassNamesIsRejected() throws IOException {
        Map<String, byte[]> m = CifarTestArchives.cifar10();
        m.put(FOLDER_10 + "batches.meta.txt", "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n".getBytes());
        CifarFormatException e = openFails(m);
        assertEquals(FOLDER_10 + "batches.meta.txt", e.member());
        assertTrue(e.getMessage().contains("lists 11 class names"), e.getMessage());
    }

    @Test
    void missingMemberIsNamed() throws IOException {
        Map<String, byte[]> m = CifarTestArchives.cifar10();
        m.remove(FOLDER_10 + "data_batch_3.bin");
        CifarFormatException e = openFails(m);
        assertEquals(FOLDER_10 + "data_batch_3.bin", e.member());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());

        Map<String, byte[]> c100 = CifarTestArchives.cifar100();
        c100.remove(FOLDER_100 + "coarse_label_names.txt");
        assertEquals(FOLDER_100 + "coarse_label_names.txt", openFails(c100).member());

        Path root = CifarTestArchives.writeDirectory(dir.resolve("x"), m);
        CifarFormatException inDir = assertThrows(CifarFormatException.class,
                () -> CifarReader.open(uri(root), CONF));
        assertTrue(inDir.getMessage().contains("data_batch_3.bin"), inDir.getMessage());
    }

    @Test
    void archiveCutShortNamesTheMemberItEndsIn() throws IOException {
        Map<String, byte[]> m = new java.util.LinkedHashMap<>(CifarTestArchives.cifar10());
        // Plain tar, cut inside data_batch_4: member offsets are exact there.
        Path whole = CifarTestArchives.writeArchive(dir.resolve("whole.tar"), m, false);
        byte[] bytes = Files.readAllBytes(whole);
        int cut = indexOf(bytes, m.get(FOLDER_10 + "data_batch_4.bin")) + 5000;
        Path cutFile = Files.write(dir.resolve("cut.tar"), java.util.Arrays.copyOf(bytes, cut));
        CifarFormatException e = assertThrows(CifarFormatException.class, () -> CifarReader.open(uri(cutFile), CONF));
        assertEquals(FOLDER_10 + "data_batch_4.bin", e.member());
        assertTrue(e.offset() > 0 && e.offset() <= 5000, e.getMessage());
        assertTrue(e.getMessage().contains("truncated or corrupt"), e.getMessage());

        Path gz = CifarTestArchives.writeArchive(dir.resolve("whole.tar.gz"), m, true);
        byte[] gzBytes = Files.readAllBytes(gz);
        Path cutGz = Files.write(dir.resolve("cut.tar.gz"), java.util.Arrays.copyOf(gzBytes, gzBytes.length / 2));
        CifarFormatException eg = assertThrows(CifarFormatException.class, () -> CifarReader.open(uri(cutGz), CONF));
        assertTrue(eg.getMessage().contains(uri(cutGz)) && eg.member() != null && eg.offset() >= 0, eg.getMessage());
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void notAnArchiveAtAll() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.tar.gz"), "these are not the images you are looking for");
        CifarFormatException e = assertThrows(CifarFormatException.class, () -> CifarReader.open(uri(text), CONF));
        assertTrue(e.getMessage().contains("neither a gzip nor a tar file"), e.getMessage());
        assertEquals(0, e.offset());

        Path gzText = dir.resolve("text.gz");
        try (var out = new org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream(
                Files.newOutputStream(gzText))) {
            out.write(new byte[2048]);
            out.write("x".repeat(4096).getBytes());
        }
        assertThrows(CifarFormatException.class, () -> CifarReader.open(uri(gzText), CONF));
    }

    @Test
    void tarWithoutCifarMembers() throws IOException {
        CifarFormatException e = openFails(Map.of("photos/cat.jpg", new byte[10], "README", new byte[3]));
        assertTrue(e.getMessage().contains("not a CIFAR binary archive"), e.getMessage());
        CifarFormatException empty = assertThrows(CifarFormatException.class,
                () -> CifarReader.open(uri(Files.createDirectory(dir.resolve("empty"))), CONF));
        assertTrue(empty.getMessage().contains("not a CIFAR binary archive"), empty.getMessage());
    }

    @Test
    void nothingAtThePath() {
        FileNotFoundException e = assertThrows(FileNotFoundException.class,
                () -> CifarReader.open(uri(dir.resolve("absent.tar.gz")), CONF));
        assertTrue(e.getMessage().contains("absent.tar.gz"), e.getMessage());
    }
}
