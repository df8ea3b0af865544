package dev.bigbatch.data.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.WeakHashMap;

/**
 * Publishes a file on any Hadoop FileSystem ({@code file:}, {@code hdfs://}, {@code s3a://}, ...) atomically: the
 * content is written under a temporary name in the target's directory, then renamed over the target, so readers see
 * the old file, no file or the new file, never part of one. The rename is FileContext's overwriting rename where the
 * file system has one (HDFS, local); elsewhere delete + rename, which on object stores is the best available. On any
 * failure the temporary file is removed and the target is left as it was.
 *
 * <p>One FileContext is kept per (Configuration, file system) and reused: each FileContext builds its own client
 * (DFSClient, S3AFileSystem) that is never closed, so creating one per write would leak a client per file. The cache
 * holds the Configuration weakly (the FileContext gets a copy, so it does not keep its key alive).
 */
public final class AtomicFiles {
    private static final Map<Configuration, Map<String, FileContext>> CONTEXTS = new WeakHashMap<>();

    private AtomicFiles() {
    }

    /** Writes the content of a file. */
    @FunctionalInterface
    public interface Body {
        void write(OutputStream out) throws IOException;
    }

    /** A hidden temporary name beside {@code target}: {@code .<name>.tmp-<uuid>}. */
    public static Path temporaryFor(Path target) {
        return new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
    }

    /** Writes {@code target} through {@code body} via {@link #temporaryFor a hidden temporary file}, replacing it. */
    public static void write(Path target, Configuration conf, Body body) throws IOException {
        write(target, temporaryFor(target), conf, body);
    }

    /**
     * Writes {@code target} through {@code body} via the temporary file {@code tmp} (in the same directory; a stale
     * one is replaced), then renames it over {@code target}. Creates the directory if needed.
     */
    public static void write(Path target, Path tmp, Configuration conf, Body body) throws IOException {
        FileSystem fs = target.getFileSystem(conf);
        try {
            fs.mkdirs(target.getParent());
            try (FSDataOutputStream out = fs.create(tmp, true)) {
                body.write(out);
            }
            publish(fs, tmp, target, conf);
        } catch (IOException | RuntimeException e) {
            try {
                fs.delete(tmp, false);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed); // a leftover temporary file is harmless; the first error matters
            }
            throw e;
        }
    }

    private static void publish(FileSystem fs, Path tmp, Path target, Configuration conf) throws IOException {
        try {
            context(fs, conf).rename(tmp, target, Options.Rename.OVERWRITE);
        } catch (UnsupportedOperationException | IOException e) {
            if (fs.exists(target) && !fs.delete(target, false)) {
                throw new IOException("cannot replace " + target, e);
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("cannot rename " + tmp + " to " + target, e);
            }
        }
    }

    private static FileContext context(FileSystem fs, Configuration conf) throws IOException {
        String key = fs.getUri().getScheme() + "://" + fs.getUri().getAuthority();
        synchronized (CONTEXTS) {
            Map<String, FileContext> byFs = CONTEXTS.computeIfAbsent(conf, c -> new HashMap<>());
            FileContext c = byFs.get(key);
            if (c == null) {
                c = FileContext.getFileContext(fs.getUri(), new Configuration(conf));
                byFs.put(key, c);
            }
            return c;
        }
    }
}
