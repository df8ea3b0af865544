package dev.bigbatch.data.imagenet;

import java.io.FilterInputStream;
import java.io.IOException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The data of one tar member as a stream: the archive opened through Hadoop, positioned at the member's offset
 * (a seek, not a read) and cut off after its size. Closing it closes the archive. An I/O error of the underlying
 * storage comes out as a {@link StorageReadException}, so that a reader can tell it from bad data (an archive that
 * ends early or is malformed), which it reports as such.
 */
public final class TarMemberStream extends FilterInputStream {

    private long remaining;

    private TarMemberStream(FSDataInputStream in, long size) {
        super(in);
        this.remaining = size;
    }

    /** Opens {@code member} of the archive at {@code tar}. */
    public static TarMemberStream open(FileSystem fs, Path tar, TarMember member) throws IOException {
        FSDataInputStream in = fs.open(tar);
        try {
            in.seek(member.dataOffset());
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
        return new TarMemberStream(in, member.size());
    }

    /** An I/O error of the storage under the archive (HDFS, S3, ...), not of the archive's content. */
    public static final class StorageReadException extends IOException {
        private static final long serialVersionUID = 1L;

        StorageReadException(IOException cause) {
            super("reading the archive failed: " + cause.getMessage(), cause);
        }
    }

    @Override
    public int read() throws IOException {
        if (remaining <= 0) {
            return -1;
        }
        int b;
        try {
            b = super.read();
        } catch (IOException e) {
            throw new StorageReadException(e);
        }
        if (b >= 0) {
            remaining--;
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (remaining <= 0) {
            return -1;
        }
        int n;
        try {
            n = super.read(buffer, offset, (int) Math.min(length, remaining));
        } catch (IOException e) {
            throw new StorageReadException(e);
        }
        if (n > 0) {
            remaining -= n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped;
        try {
            skipped = super.skip(Math.min(n, remaining));
        } catch (IOException e) {
            throw new StorageReadException(e);
        }
        remaining -= skipped;
        return skipped;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(super.available(), remaining);
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
