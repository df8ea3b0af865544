package dev.bigbatch.jobs.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Files of a directory on any Hadoop FileSystem ({@code file:}, {@code hdfs://}, {@code s3a://}, ...), each published
 * atomically: written under a temporary name in the same directory, then renamed over the target (FileContext's
 * overwriting rename where the file system has it — HDFS and local; elsewhere delete + rename, which on object
 * stores is the best available).
 */
public final class RunFiles {
    private final Path dir;
    private final FileSystem fs;
    private final Configuration conf;
    /** Created on first publish and reused: each FileContext builds its own, never-closed client (DFSClient, S3A). */
    private FileContext context;

    public RunFiles(String uri, Configuration conf) {
        try {
            this.dir = new Path(uri);
            this.conf = conf;
            this.fs = dir.getFileSystem(conf);
            fs.mkdirs(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open run directory " + uri + ": " + e.getMessage(), e);
        }
    }

    public Path dir() {
        return dir;
    }

    public FileSystem fileSystem() {
        return fs;
    }

    public Path path(String name) {
        return new Path(dir, name);
    }

    public boolean exists(String name) {
        try {
            return fs.exists(path(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void writeText(String name, String text) {
        write(name, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Writes {@code name} through {@code body}, then publishes it; on failure the target is untouched. */
    public void write(String name, Body body) {
        Path target = path(name);
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
        try {
            fs.mkdirs(target.getParent());
            try (FSDataOutputStream out = fs.create(tmp, false)) {
                body.write(out);
            }
            publish(tmp, target);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    private void publish(Path tmp, Path target) throws IOException {
        try {
            if (context == null) {
                context = FileContext.getFileContext(dir.toUri(), conf);
            }
            context.rename(tmp, target, Options.Rename.OVERWRITE);
        } catch (UnsupportedOperationException | IOException e) {
            if (fs.exists(target) && !fs.delete(target, false)) {
                throw new IOException("cannot replace " + target, e);
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("cannot rename " + tmp + " to " + target, e);
            }
        }
    }

    private void deleteQuietly(Path p) {
        try {
            fs.delete(p, false);
        } catch (IOException ignored) {
            // best effort: a leftover hidden temporary file is harmless
        }
    }

    /** Writes the content of a file. */
    @FunctionalInterface
    public interface Body {
        void write(OutputStream out) throws IOException;
    }
}
