package dev.bigbatch.data.cifar;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CIFAR tarball (gzip-compressed or plain) read as a stream from any Hadoop file system, never unpacked to disk.
 * Opening scans the whole archive once: it lists the members, keeps the small text ones and checks that the archive
 * is complete. Members are then streamed in the order asked for; since the official archives do not store the batches
 * in order, a member that lies behind the current position costs another pass over the archive (for the official
 * CIFAR-10 archive: the scan, two passes for the training batches and part of one for the test batch, each at
 * gunzip speed, rather than holding 150 MB on the driver).
 */
final class CifarArchive implements CifarMembers {
    /** Text members larger than this are not class-name lists; they are not kept. */
    private static final int MAX_TEXT_BYTES = 1 << 20;
    private static final int BUFFER_BYTES = 1 << 20;
    /** Members are skipped in reads of this size, so a truncation is located to within it. */
    private static final int SKIP_BYTES = 8192;
    private static final int SNIFF_BYTES = 512;

    private final String source;
    private final Path path;
    private final Configuration conf;
    private final Map<String, Long> sizes = new LinkedHashMap<>();
    private final Map<String, byte[]> texts = new HashMap<>();

    private CifarArchive(String source, Path path, Configuration conf) {
        this.source = source;
        this.path = path;
        this.conf = conf;
    }

    static CifarArchive open(String source, Path path, Configuration conf) throws IOException {
        CifarArchive archive = new CifarArchive(source, path, conf);
        archive.scan();
        return archive;
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public Map<String, Long> sizes() {
        return Collections.unmodifiableMap(sizes);
    }

    @Override
    public String display(String name) {
        return name;
    }

    @Override
    public byte[] readSmall(String name) throws IOException {
        byte[] text = texts.get(name);
        if (text == null) {
            throw new CifarFormatException(source, name, CifarFormatException.NO_OFFSET,
                    "missing, or larger than " + MAX_TEXT_BYTES + " bytes");
        }
        return text;
    }

    @Override
    public void stream(List<String> names, Visitor visitor) throws IOException {
        int next = 0;
        while (next < names.size()) {
            int before = next;
            try (TarArchiveInputStream tar = openTar()) {
                TarArchiveEntry entry;
                String previous = null;
                while (next < names.size() && (entry = nextEntry(tar, previous)) != null) {
                    previous = memberName(entry);
                    if (entry.isFile() && previous.equals(names.get(next))) {
                        visitor.visit(names.get(next), tar);
                        next++;
                    }
                }
            }
            if (next == before) {
                throw new CifarFormatException(source, names.get(next), CifarFormatException.NO_OFFSET,
                        "member disappeared since the archive was opened; was the file replaced while reading?");
            }
        }
    }

    private void scan() throws IOException {
        byte[] buffer = new byte[SKIP_BYTES];
        try (TarArchiveInputStream tar = openTar()) {
            TarArchiveEntry entry;
            String name = null;
            while ((entry = nextEntry(tar, name)) != null) {
                name = memberName(entry);
                if (!entry.isFile()) {
                    continue;
                }
                if (sizes.put(name, entry.getSize()) != null) {
                    throw new CifarFormatException(source, name, CifarFormatException.NO_OFFSET,
                            "appears twice in the archive");
                }
                boolean keep = name.endsWith(".txt") && entry.getSize() <= MAX_TEXT_BYTES;
                byte[] text = drain(tar, name, entry.getSize(), keep, buffer);
                if (keep) {
                    texts.put(name, text);
                }
            }
        }
        if (sizes.isEmpty()) {
            throw new CifarFormatException(source, null, CifarFormatException.NO_OFFSET,
                    "not a CIFAR archive: the tar stream holds no files");
        }
    }

    /** Reads a member to its end, into a new array when {@code keep}, else through {@code scratch}. */
    private byte[] drain(InputStream in, String name, long size, boolean keep, byte[] scratch) throws IOException {
        byte[] into = keep ? new byte[(int) size] : scratch;
        long done = 0;
        try {
            while (done < size) {
                int n = keep ? in.read(into, (int) done, (int) (size - done))
                        : in.read(into, 0, (int) Math.min(into.length, size - done));
                if (n < 0) {
                    break;
                }
                done += n;
            }
        } catch (IOException e) {
            throw truncated(name, done, size, e);
        }
        if (done != size) {
            throw truncated(name, done, size, null);
        }
        return into;
    }

    CifarFormatException truncated(String name, long offset, long size, Throwable cause) {
        return new CifarFormatException(source, name, offset, "the archive ends or breaks inside this member, "
                + "which should have " + size + " bytes" + (cause == null ? "" : " (" + cause + ")")
                + "; the file is truncated or corrupt, download it again", cause);
    }

    /** The next entry; {@code previous} (or null) names the member before it in error messages. */
    private TarArchiveEntry nextEntry(TarArchiveInputStream tar, String previous) throws IOException {
        try {
            return tar.getNextTarEntry();
        } catch (IOException e) {
            throw new CifarFormatException(source, null, tar.getBytesRead(), "cannot read the tar header "
                    + (previous == null ? "at the start" : "after member " + previous)
                    + " (offset counted in the uncompressed tar stream): " + e
                    + "; the file is truncated, corrupt or not a tar archive", e);
        }
    }

    private static String memberName(TarArchiveEntry entry) {
        String name = entry.getName();
        while (name.startsWith("./")) {
            name = name.substring(2);
        }
        return name;
    }

    /** Opens the file as a tar stream, gunzipping it when it starts with the gzip magic bytes. */
    private TarArchiveInputStream openTar() throws IOException {
        FileSystem fs = path.getFileSystem(conf);
        InputStream raw = new BufferedInputStream(fs.open(path), BUFFER_BYTES);
        try {
            raw.mark(SNIFF_BYTES);
            byte[] head = raw.readNBytes(SNIFF_BYTES);
            raw.reset();
            if (head.length >= 2 && (head[0] & 0xFF) == 0x1F && (head[1] & 0xFF) == 0x8B) {
                // Not buffered after gunzipping: a read-ahead would turn a truncation into an error at the wrong
                // member. The tar stream reads whole records; member data goes out in the caller's large reads.
                return new TarArchiveInputStream(new GzipCompressorInputStream(raw, true));
            }
            if (TarArchiveInputStream.matches(head, head.length)) {
                return new TarArchiveInputStream(raw);
            }
        } catch (IOException e) {
            raw.close();
            throw new CifarFormatException(source, null, 0, "cannot read the archive header: " + e.getMessage(), e);
        }
        raw.close();
        throw new CifarFormatException(source, null, 0, "neither a gzip nor a tar file; expected "
                + "cifar-10-binary.tar.gz / cifar-100-binary.tar.gz or a directory extracted from one");
    }
}
