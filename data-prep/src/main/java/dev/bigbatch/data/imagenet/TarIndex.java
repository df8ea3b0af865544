package dev.bigbatch.data.imagenet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarUtils;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Lists the regular-file members of a tar archive with their data offsets by reading only the 512-byte headers and
 * seeking over the data (POSIX.1-1988 ustar, with GNU long names and PAX {@code path}/{@code size} records).
 * Written by hand because commons-compress's {@code TarArchiveInputStream} skips member data by reading it, which for
 * {@code ILSVRC2012_img_train.tar} would pull 138 GB through the driver; here the driver reads ~1,000 headers and each
 * Spark task then opens its own member at its offset. Nor is commons-compress's seeking {@code TarFile} used: it
 * needs a {@code SeekableByteChannel} (an adapter over Hadoop's stream), skips header checksums (a corrupt header
 * becomes a wrong member name) and its errors name neither the file nor the byte offset.
 * An archive must end with its end-of-archive (zero) block: one cut at a header boundary is reported, not read as a
 * shorter archive.
 */
public final class TarIndex {

    static final int BLOCK = 512;

    private TarIndex() {
    }

    /** The regular files in {@code tar}, in archive order. */
    public static List<TarMember> read(FileSystem fs, Path tar) throws IOException {
        long length = fs.getFileStatus(tar).getLen();
        try (FSDataInputStream in = fs.open(tar)) {
            return read(in, length, tar.toString());
        }
    }

    static List<TarMember> read(FSDataInputStream in, long length, String source) throws IOException {
        List<TarMember> members = new ArrayList<>();
        byte[] header = new byte[BLOCK];
        String longName = null;
        PaxRecords pax = null;
        long position = 0;
        while (true) {
            if (position + BLOCK > length) {
                // POSIX ends every archive with two zero blocks (GNU tar, Python's tarfile and commons-compress write
                // them); an archive cut at or inside a header would otherwise list fewer members without a word.
                throw new InputDataException("truncated tar " + source + ": it ends at byte " + length
                        + (position < length ? " inside the header that starts at byte offset " + position
                                : " after the member data ending at byte offset " + position)
                        + " without the end-of-archive blocks; re-download the archive");
            }
            in.seek(position);
            in.readFully(header);
            if (isZeroBlock(header)) {
                if (longName != null || pax != null) {
                    throw new InputDataException("truncated tar " + source + ": the extension header before byte "
                            + "offset " + position + " is followed by the end of the archive, not by its member");
                }
                break; // end-of-archive marker
            }
            if (!checksumMatches(header)) {
                throw new InputDataException("not a tar archive or corrupt tar header at byte offset " + position
                        + " of " + source + " (checksum mismatch); re-download or re-create the archive");
            }
            TarArchiveEntry entry = parse(header, position, source);
            long dataOffset = position + BLOCK;
            long size = pax != null && pax.size >= 0 ? pax.size : entry.getSize();
            if (size < 0 || dataOffset + size > length) {
                throw new InputDataException("truncated tar " + source + ": member '" + entry.getName()
                        + "' at byte offset " + position + " declares " + size + " bytes but the file has "
                        + length + "; re-download the archive");
            }
            if (entry.isGNULongNameEntry()) {
                longName = cString(readData(in, dataOffset, size));
            } else if (entry.isPaxHeader()) {
                pax = PaxRecords.parse(readData(in, dataOffset, size), source, dataOffset);
            } else if (entry.isGlobalPaxHeader() || entry.isGNULongLinkEntry()) {
                // global defaults and link targets do not affect regular members' names or sizes
            } else {
                String name = pax != null && pax.path != null ? pax.path : longName != null ? longName
                        : entry.getName();
                if (entry.isFile()) {
                    members.add(new TarMember(name, dataOffset, size));
                }
                longName = null;
                pax = null;
            }
            position = dataOffset + padded(size);
        }
        return members;
    }

    /** {@code size} rounded up to whole blocks. */
    static long padded(long size) {
        return (size + BLOCK - 1) / BLOCK * BLOCK;
    }

    private static TarArchiveEntry parse(byte[] header, long position, String source) {
        try {
            return new TarArchiveEntry(header);
        } catch (IllegalArgumentException e) {
            throw new InputDataException("unreadable tar header at byte offset " + position + " of " + source + ": "
                    + e.getMessage(), e);
        }
    }

    private static byte[] readData(FSDataInputStream in, long offset, long size) throws IOException {
        if (size > Integer.MAX_VALUE - 8) {
            throw new InputDataException("tar extension header of " + size + " bytes at offset " + offset);
        }
        byte[] data = new byte[(int) size];
        in.seek(offset);
        in.readFully(data);
        return data;
    }

    private static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    private static boolean checksumMatches(byte[] header) {
        try {
            return TarUtils.verifyCheckSum(header);
        } catch (IllegalArgumentException e) {
            return false; // checksum field is not even octal digits
        }
    }

    private static boolean isZeroBlock(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** The {@code path} and {@code size} keywords of a PAX extended header ("%d %s=%s\n" records, POSIX.1-2001). */
    private record PaxRecords(String path, long size) {

        static PaxRecords parse(byte[] data, String source, long offset) {
            String path = null;
            long size = -1;
            int p = 0;
            while (p < data.length && data[p] != 0) {
                int space = p;
                while (space < data.length && data[space] != ' ') {
                    space++;
                }
                int recordLength;
                try {
                    recordLength = Integer.parseInt(new String(data, p, space - p, StandardCharsets.US_ASCII));
                } catch (NumberFormatException e) {
                    throw new InputDataException("malformed PAX header at byte offset " + offset + " of " + source);
                }
                if (space + 2 > p + recordLength || p + recordLength > data.length) { // room for " " and "\n"
                    throw new InputDataException("malformed PAX record length at byte offset " + (offset + p)
                            + " of " + source);
                }
                String record = new String(data, space + 1, p + recordLength - space - 2, StandardCharsets.UTF_8);
                int eq = record.indexOf('=');
                if (eq > 0) {
                    String key = record.substring(0, eq);
                    String value = record.substring(eq + 1);
                    if (key.equals("path")) {
                        path = value;
                    } else if (key.equals("size")) {
                        size = paxSize(value, source, offset + p);
                    }
                }
                p += recordLength;
            }
            return new PaxRecords(path, size);
        }

        private static long paxSize(String value, String source, long offset) {
            try {
                long size = Long.parseLong(value);
                if (size >= 0) {
                    return size;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new InputDataException("malformed PAX size '" + value + "' at byte offset " + offset + " of "
                    + source + "; re-download or re-create the archive");
        }
    }
}
