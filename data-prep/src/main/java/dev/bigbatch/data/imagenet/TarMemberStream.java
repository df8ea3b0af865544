package dev.bigbatch.data.imagenet;

import java.io.FilterInputStream;
import java.io.IOException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The data of one tar member as a stream: the archive opened through Hadoop, positioned at the member's offset
 * (a seek, not a read) and cut off after its size. Closing it closes the archive.
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

    @Override
    public int read() throws IOException {
        if (remaining <= 0) {
            return -1;
        }
        int b = super.read();
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
        int n = super.read(buffer, offset, (int) Math.min(length, remaining));
        if (n > 0) {
            remaining -= n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(Math.min(n, remaining));
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
