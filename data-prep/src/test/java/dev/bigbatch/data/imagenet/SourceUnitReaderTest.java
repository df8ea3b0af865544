package dev.bigbatch.data.imagenet;

import dev.bigbatch.data.io.TarFixtures;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A per-class tar: an archive that ends early is bad data (the files before it, then one quarantine line), but a
 * storage error part-way must fail the task (Spark retries it) instead of quarantining the rest of the class.
 */
class SourceUnitReaderTest {
    @TempDir
    java.nio.file.Path tmp;

    /** Local files whose streams fail with an IOException once {@link #failAfter} bytes have been read. */
    public static final class FailingFs extends RawLocalFileSystem {
        static volatile long failAfter = Long.MAX_VALUE;

        @Override
        public FSDataInputStream open(Path f, int bufferSize) throws IOException {
            byte[] bytes = Files.readAllBytes(pathToFile(f).toPath());
            return new FSDataInputStream(new FSInputStream() {
                private int pos;

                @Override
                public void seek(long p) {
                    pos = (int) p;
                }

                @Override
                public long getPos() {
                    return pos;
                }

                @Override
                public boolean seekToNewSource(long target) {
                    return false;
                }

                @Override
                public int read() throws IOException {
                    if (pos >= failAfter) {
                        throw new IOException("connection reset by storage");
                    }
                    return pos < bytes.length ? bytes[pos++] & 0xff : -1;
                }
            });
        }
    }

    static Configuration failing(long after) {
        FailingFs.failAfter = after;
        Configuration conf = new Configuration(false);
        conf.setClass("fs.file.impl", FailingFs.class, FileSystem.class);
        conf.setBoolean("fs.file.impl.disable.cache", true);
        return conf;
    }

    SourceUnit.ClassArchive classTar(byte[] tar) throws IOException {
        java.nio.file.Path file = tmp.resolve("n01440764.tar");
        Files.write(file, tar);
        return new SourceUnit.ClassArchive(file.toUri().toString(), new TarMember("n01440764.tar", 0, tar.length),
                0, null);
    }

    static byte[] classTarOfThree() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            m.put("n01440764_" + i + ".JPEG", DatasetTrees.jpeg(i));
        }
        return TarFixtures.tar(m);
    }

    static List<ImageOutcome> drain(Iterator<ImageOutcome> it) {
        List<ImageOutcome> out = new ArrayList<>();
        it.forEachRemaining(out::add);
        return out;
    }

    @Test
    void anArchiveThatEndsEarlyIsQuarantinedAfterTheFilesBeforeIt() throws IOException {
        byte[] tar = classTarOfThree();
        int firstEnd = 512 + DatasetTrees.jpeg(0).length + 512; // header, data, padding: inside the second member
        byte[] cut = java.util.Arrays.copyOf(tar, firstEnd + 700);
        List<ImageOutcome> out = drain(SourceUnitReader.read(classTar(cut), failing(Long.MAX_VALUE),
                new ImageConverter(64, 90)));
        assertEquals(2, out.size(), out.toString());
        assertInstanceOf(ImageOutcome.Converted.class, out.get(0));
        assertInstanceOf(ImageOutcome.Quarantined.class, out.get(1));
        assertTrue(out.get(1).toString().contains("corrupt or truncated per-class archive after 2 files"),
                out.get(1).toString());
    }

    @Test
    void aStorageErrorPartWayFailsTheTaskInsteadOfQuarantining() throws IOException {
        byte[] tar = classTarOfThree();
        Iterator<ImageOutcome> it = SourceUnitReader.read(classTar(tar), failing(tar.length / 2),
                new ImageConverter(64, 90));
        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> drain(it));
        assertInstanceOf(TarMemberStream.StorageReadException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("connection reset by storage"), e.getCause().getMessage());
    }
}
