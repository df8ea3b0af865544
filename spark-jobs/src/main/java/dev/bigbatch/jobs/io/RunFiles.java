package dev.bigbatch.jobs.io;

import dev.bigbatch.data.io.AtomicFiles;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * Files of a directory on any Hadoop FileSystem ({@code file:}, {@code hdfs://}, {@code s3a://}, ...), each published
 * atomically through {@link AtomicFiles}: written under a temporary name in the same directory, then renamed over the
 * target.
 */
public final class RunFiles {
    private final Path dir;
    private final FileSystem fs;
    private final Configuration conf;

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

    /**
     * The directory of the file {@code fileUri}, to write that file (named {@code new Path(fileUri).getName()}) into.
     * The path is qualified first, so a bare name such as {@code params.npy} means the working directory, as a
     * relative path does everywhere else (its unqualified parent is the empty path, which Hadoop refuses).
     */
    public static RunFiles parentOf(String fileUri, Configuration conf) {
        Path file = new Path(fileUri);
        try {
            Path parent = file.getFileSystem(conf).makeQualified(file).getParent();
            if (parent == null) {
                throw new IllegalArgumentException(fileUri + " is a file system root, not a file");
            }
            return new RunFiles(parent.toString(), conf);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the directory of " + fileUri + ": " + e.getMessage(), e);
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

    /** Writes {@code name} through {@code body}, then publishes it ({@link AtomicFiles}); on failure it is untouched. */
    public void write(String name, AtomicFiles.Body body) {
        Path target = path(name);
        try {
            AtomicFiles.write(target, conf, body);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }
}
