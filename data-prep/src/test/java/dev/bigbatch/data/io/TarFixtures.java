package dev.bigbatch.data.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Tar archives built in memory with commons-compress, for the tests of every module: data-prep's readers (CIFAR,
 * ImageNet tar index, devkit labels) and, through data-prep's test jar, spark-jobs' end-to-end ImageNet tests.
 */
public final class TarFixtures {

    private TarFixtures() {
    }

    /**
     * A tar of the given members, in map iteration order; names ending in '/' become directories.
     *
     * @param longFileMode how names over 100 bytes are stored, e.g. {@link TarArchiveOutputStream#LONGFILE_POSIX}
     *                     (a PAX header) or {@link TarArchiveOutputStream#LONGFILE_GNU} (a {@code ././@LongLink} entry)
     */
    public static byte[] tar(Map<String, byte[]> members, int longFileMode) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            out.setLongFileMode(longFileMode);
            for (Map.Entry<String, byte[]> m : members.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(m.getKey());
                if (!m.getKey().endsWith("/")) {
                    entry.setSize(m.getValue().length);
                }
                out.putArchiveEntry(entry);
                if (!m.getKey().endsWith("/")) {
                    out.write(m.getValue());
                }
                out.closeArchiveEntry();
            }
            out.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** {@link #tar(Map, int)} with long names in PAX (POSIX.1-2001) headers. */
    public static byte[] tar(Map<String, byte[]> members) {
        return tar(members, TarArchiveOutputStream.LONGFILE_POSIX);
    }

    /** The bytes gzip-compressed, e.g. a {@code .tar.gz} from {@link #tar}. */
    public static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return gz.toByteArray();
    }
}
