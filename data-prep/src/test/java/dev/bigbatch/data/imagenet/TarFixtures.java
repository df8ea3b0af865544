package dev.bigbatch.data.imagenet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Tar archives built in memory with commons-compress, for tests. */
final class TarFixtures {

    private TarFixtures() {
    }

    /** A tar of the given members, in map iteration order; names ending in '/' become directories. */
    static byte[] tar(Map<String, byte[]> members, int longFileMode) {
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

    static byte[] tar(Map<String, byte[]> members) {
        return tar(members, TarArchiveOutputStream.LONGFILE_POSIX);
    }
}
