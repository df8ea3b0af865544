package dev.bigbatch.data.cifar;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SyntheticCifarTest {
    private static final Configuration CONF = new Configuration();

    @TempDir
    Path dir;

    static byte[] bytes(SyntheticCifar s) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        s.write(out);
        return out.toByteArray();
    }

    /** Member name to content, in archive order, read with commons-compress directly (not with our reader). */
    static Map<String, byte[]> members(byte[] tarGz) throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new GzipCompressorInputStream(new ByteArrayInputStream(tarGz)))) {
            TarArchiveEntry e;
            while ((e = tar.getNextTarEntry()) != null) {
                m.put(e.getName(), e.isDirectory() ? null : tar.readAllBytes());
            }
        }
        return m;
    }

    @Test
    void sameArgumentsSameBytesOtherSeedOtherBytes() throws IOException {
        byte[] a = bytes(new SyntheticCifar(12, 4, 3, 42));
        assertArrayEquals(a, bytes(new SyntheticCifar(12, 4, 3, 42)));
        byte[] b = bytes(new SyntheticCifar(12, 4, 3, 43));
        assertFalse(Arrays.equals(members(a).get("cifar-10-batches-bin/data_batch_1.bin"),
                members(b).get("cifar-10-batches-bin/data_batch_1.bin")));
    }

    @Test
    void layoutIsThatOfTheOfficialCifar10Archive() throws IOException {
        Map<String, byte[]> m = members(bytes(new SyntheticCifar(12, 4, 3, 7)));
        String f = "cifar-10-batches-bin/";
        assertEquals(List.of(f, f + "batches.meta.txt", f + "data_batch_1.bin", f + "data_batch_2.bin",
                f + "data_batch_3.bin", f + "data_batch_4.bin", f + "data_batch_5.bin", f + "test_batch.bin",
                f + "readme.html"), new ArrayList<>(m.keySet()));
        assertEquals("class_0\nclass_1\nclass_2\n", new String(m.get(f + "batches.meta.txt"), StandardCharsets.UTF_8));
        // 12 = 3 + 3 + 2 + 2 + 2 records of 1 + 3072 bytes.
        int[] sizes = {3, 3, 2, 2, 2};
        for (int b = 0; b < 5; b++) {
            byte[] batch = m.get(f + "data_batch_" + (b + 1) + ".bin");
            assertEquals(sizes[b] * 3073, batch.length, "data_batch_" + (b + 1));
            for (int r = 0; r < sizes[b]; r++) {
                assertTrue((batch[r * 3073] & 0xFF) < 3, "label byte of record " + r);
            }
        }
        assertEquals(4 * 3073, m.get(f + "test_batch.bin").length);
    }

    @Test
    void batchesAreAsEvenAsPossible() {
        SyntheticCifar s = new SyntheticCifar(7, 0, 2, 1);
        assertArrayEquals(new int[]{2, 2, 1, 1, 1}, new int[]{s.batchSize(0), s.batchSize(1), s.batchSize(2),
                s.batchSize(3), s.batchSize(4)});
        SyntheticCifar t = new SyntheticCifar(10, 0, 2, 1);
        assertEquals(2, t.batchSize(4));
    }

    @Test
    void readerReadsItBackRecordForRecord() throws IOException {
        byte[] archive = bytes(new SyntheticCifar(9, 5, 4, 3));
        Path file = Files.write(dir.resolve("s.tar.gz"), archive);
        CifarReader reader = CifarReader.open(file.toUri().toString(), CONF);
        assertEquals(CifarVariant.CIFAR_10, reader.variant());
        assertEquals(List.of("class_0", "class_1", "class_2", "class_3"), reader.classNames());
        assertEquals(9, reader.count(CifarSplit.TRAIN));
        assertEquals(5, reader.count(CifarSplit.TEST));
        byte[] test = members(archive).get("cifar-10-batches-bin/test_batch.bin");
        List<CifarReaderTest.Received> got = CifarReaderTest.readAll(reader, CifarSplit.TEST);
        for (int r = 0; r < 5; r++) {
            assertEquals(test[r * 3073] & 0xFF, got.get(r).label());
            assertArrayEquals(Arrays.copyOfRange(test, r * 3073 + 1, (r + 1) * 3073), got.get(r).image());
        }
    }

    @Test
    void writesToAHadoopUriAtomically() throws IOException {
        Path target = dir.resolve("synthetic.tar.gz");
        String uri = target.toUri().toString();
        SyntheticCifar s = new SyntheticCifar(5, 2, 2, 9);
        s.write(uri, CONF, false);
        assertArrayEquals(bytes(s), Files.readAllBytes(target));
        try (var listing = Files.list(dir)) {
            assertEquals(List.of("synthetic.tar.gz"), listing.map(p -> p.getFileName().toString())
                    .filter(n -> !n.endsWith(".crc")).toList(), "no temporary file left behind");
        }
        FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
                () -> new SyntheticCifar(6, 2, 2, 9).write(uri, CONF, false));
        assertTrue(e.getMessage().contains(uri), e.getMessage());
        new SyntheticCifar(6, 2, 2, 9).write(uri, CONF, true);
        assertArrayEquals(bytes(new SyntheticCifar(6, 2, 2, 9)), Files.readAllBytes(target));
    }

    @Test
    void rejectsImpossibleArguments() {
        assertThrows(IllegalArgumentException.class, () -> new SyntheticCifar(0, 1, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> new SyntheticCifar(1, -1, 10, 1));
        assertThrows(IllegalArgumentException.class, () -> new SyntheticCifar(1, 1, 1, 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SyntheticCifar(1, 1, 11, 1));
        assertTrue(e.getMessage().contains("classes"), e.getMessage());
    }

    /**
     * Learnable, not trivially: a nearest-class-mean classifier on pixels beats chance (0.1) clearly but is far
     * from perfect, and the same classifier on shift/flip-invariant Fourier magnitudes does much better. Observed
     * for seed 1 with 2000/1000 examples: pixels 0.40, spectrum 0.81; the bounds leave room for either to move.
     */
    @Test
    void learnableButNotTrivially() throws IOException {
        byte[] archive = bytes(new SyntheticCifar(2000, 1000, 10, 1));
        CifarReader reader = CifarReader.open(Files.write(dir.resolve("l.tar.gz"), archive).toUri().toString(), CONF);
        List<CifarReaderTest.Received> train = CifarReaderTest.readAll(reader, CifarSplit.TRAIN);
        List<CifarReaderTest.Received> test = CifarReaderTest.readAll(reader, CifarSplit.TEST);
        int[] trainY = train.stream().mapToInt(CifarReaderTest.Received::label).toArray();
        int[] testY = test.stream().mapToInt(CifarReaderTest.Received::label).toArray();
        double pixels = NearestClassMean.accuracy(
                train.stream().map(r -> NearestClassMean.pixels(r.image())).toArray(float[][]::new), trainY,
                test.stream().map(r -> NearestClassMean.pixels(r.image())).toArray(float[][]::new), testY, 10);
        double spectrum = NearestClassMean.accuracy(
                train.stream().map(r -> NearestClassMean.spectrum(r.image())).toArray(float[][]::new), trainY,
                test.stream().map(r -> NearestClassMean.spectrum(r.image())).toArray(float[][]::new), testY, 10);
        assertTrue(pixels > 0.25 && pixels < 0.6, "nearest class mean on pixels: " + pixels);
        assertTrue(spectrum > pixels + 0.2 && spectrum < 0.95, "on Fourier magnitudes: " + spectrum);
        long[] perClass = new long[10];
        for (int y : trainY) {
            perClass[y]++;
        }
        assertTrue(Arrays.stream(perClass).allMatch(n -> n > 150), "every class present: " + Arrays.toString(perClass));
    }
}
