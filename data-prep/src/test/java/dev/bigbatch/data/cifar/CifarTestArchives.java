package dev.bigbatch.data.cifar;

import dev.bigbatch.data.io.TarFixtures;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hand-built CIFAR inputs with known bytes, for tests in any package. Record r of split s of the fixtures has the
 * image {@link #image(int) image(1000 s + r)} and the label {@link #label10(int) label10(1000 s + r)}.
 */
public final class CifarTestArchives {
    /** Records in data_batch_1..5 of the CIFAR-10 fixture; an empty batch and uneven sizes on purpose. */
    public static final int[] BATCH_SIZES = {2, 1, 0, 3, 2};
    public static final int TRAIN = 8;
    public static final int TEST = 3;
    public static final String FOLDER_10 = "cifar-10-batches-bin/";
    public static final String FOLDER_100 = "cifar-100-binary/";
    public static final String NAMES_10 = "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n";

    private CifarTestArchives() {
    }

    /** A deterministic image whose bytes differ by position and by {@code key}. */
    public static byte[] image(int key) {
        byte[] b = new byte[CifarVariant.IMAGE_BYTES];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 31 + key * 17 + (i >> 10) * 101);
        }
        return b;
    }

    public static int label10(int key) {
        return (key * 3) % 10;
    }

    public static int coarse100(int key) {
        return (key * 7) % 20;
    }

    public static int fine100(int key) {
        return (key * 13) % 100;
    }

    /** CIFAR-10 records with keys {@code firstKey, firstKey + 1, ...}. */
    public static byte[] records10(int firstKey, int count) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int k = firstKey; k < firstKey + count; k++) {
            out.write(label10(k));
            out.writeBytes(image(k));
        }
        return out.toByteArray();
    }

    public static byte[] records100(int firstKey, int count) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int k = firstKey; k < firstKey + count; k++) {
            out.write(coarse100(k));
            out.write(fine100(k));
            out.writeBytes(image(k));
        }
        return out.toByteArray();
    }

    /**
     * The CIFAR-10 fixture, members in the order of the official tarball (not sorted: the reader must cope):
     * batch 1, meta, batches 3, 4, test, readme, batches 2, 5.
     */
    public static Map<String, byte[]> cifar10() {
        byte[][] batches = new byte[5][];
        int key = 0;
        for (int b = 0; b < 5; b++) {
            batches[b] = records10(key, BATCH_SIZES[b]);
            key += BATCH_SIZES[b];
        }
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put(FOLDER_10 + "data_batch_1.bin", batches[0]);
        m.put(FOLDER_10 + "batches.meta.txt", NAMES_10.getBytes(StandardCharsets.UTF_8));
        m.put(FOLDER_10 + "data_batch_3.bin", batches[2]);
        m.put(FOLDER_10 + "data_batch_4.bin", batches[3]);
        m.put(FOLDER_10 + "test_batch.bin", records10(1000, TEST));
        m.put(FOLDER_10 + "readme.html", "<html></html>".getBytes(StandardCharsets.UTF_8));
        m.put(FOLDER_10 + "data_batch_2.bin", batches[1]);
        m.put(FOLDER_10 + "data_batch_5.bin", batches[4]);
        return m;
    }

    /** The CIFAR-100 fixture: 5 training and 2 test records, 20 coarse and 100 fine names. */
    public static Map<String, byte[]> cifar100() {
        StringBuilder coarse = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            coarse.append("super").append(i).append('\n');
        }
        StringBuilder fine = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            fine.append("fine").append(i).append('\n');
        }
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put(FOLDER_100 + "coarse_label_names.txt", coarse.toString().getBytes(StandardCharsets.UTF_8));
        m.put(FOLDER_100 + "fine_label_names.txt", fine.toString().getBytes(StandardCharsets.UTF_8));
        m.put(FOLDER_100 + "test.bin", records100(1000, 2));
        m.put(FOLDER_100 + "train.bin", records100(0, 5));
        return m;
    }

    /** Writes the members as a tar (gzip-compressed if {@code gzip}), with a directory entry for each folder. */
    public static Path writeArchive(Path file, Map<String, byte[]> members, boolean gzip) throws IOException {
        Map<String, byte[]> withFolders = new LinkedHashMap<>();
        String folder = null;
        for (var e : members.entrySet()) {
            int slash = e.getKey().indexOf('/');
            String f = slash < 0 ? null : e.getKey().substring(0, slash + 1);
            if (f != null && !f.equals(folder)) {
                withFolders.put(f, new byte[0]);
                folder = f;
            }
            withFolders.put(e.getKey(), e.getValue());
        }
        byte[] tar = TarFixtures.tar(withFolders);
        return Files.write(file, gzip ? TarFixtures.gzip(tar) : tar);
    }

    /** Writes the members as files under {@code root} (creating the folders), as {@code tar xzf} would. */
    public static Path writeDirectory(Path root, Map<String, byte[]> members) throws IOException {
        for (var e : members.entrySet()) {
            Path p = root.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, e.getValue());
        }
        return root;
    }

    public static String uri(Path p) {
        return p.toUri().toString();
    }
}
