package dev.bigbatch.data.imagenet;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.util.TaskCompletionListener;

/**
 * Reads one {@link SourceUnit} on an executor as a lazy stream of {@link ImageOutcome}s, one file in memory at a
 * time. Streams are closed at the end of the iteration or, if the task stops early, when the task completes.
 *
 * <p>A per-class tar that is corrupt or truncated part-way yields the files read so far and then one quarantine
 * entry for the archive itself (counted as one file read). An I/O error of the storage (reading a plain file, an
 * indexed tar member, or a per-class tar, {@link TarMemberStream.StorageReadException}) fails the task, which Spark
 * retries: it is a storage problem, not bad data, and must not turn the rest of a class into one quarantine line.
 */
final class SourceUnitReader {

    private SourceUnitReader() {
    }

    static Iterator<ImageOutcome> read(SourceUnit unit, Configuration conf, ImageConverter converter)
            throws IOException {
        OutcomeIterator it;
        if (unit instanceof SourceUnit.ClassArchive a) {
            it = classArchive(a, conf, converter);
        } else if (unit instanceof SourceUnit.ArchiveSlice s) {
            it = archiveSlice(s, conf, converter);
        } else {
            it = fileGroup((SourceUnit.FileGroup) unit, conf, converter);
        }
        TaskContext task = TaskContext.get();
        if (task != null) {
            task.addTaskCompletionListener((TaskCompletionListener) context -> it.closeQuietly());
        }
        return it;
    }

    private static OutcomeIterator classArchive(SourceUnit.ClassArchive unit, Configuration conf,
                                                ImageConverter converter) throws IOException {
        Path tar = new Path(unit.tar());
        TarArchiveInputStream entries =
                new TarArchiveInputStream(TarMemberStream.open(tar.getFileSystem(conf), tar, unit.member()));
        String prefix = unit.tar() + "!" + unit.member().name() + "!";
        return new OutcomeIterator(entries) {
            private int files;
            private boolean failed;

            @Override
            ImageOutcome computeNext() {
                if (failed) {
                    return null;
                }
                try {
                    TarArchiveEntry entry;
                    while ((entry = entries.getNextTarEntry()) != null) {
                        if (!entry.isFile()) {
                            continue;
                        }
                        files++;
                        String path = prefix + entry.getName();
                        if (unit.problem() != null) {
                            return new ImageOutcome.Quarantined(path, unit.problem());
                        }
                        if (entry.getSize() > ImageConverter.MAX_FILE_BYTES) {
                            return tooLarge(path, entry.getSize());
                        }
                        return converter.convert(path, unit.label(), entries.readAllBytes());
                    }
                    return null;
                } catch (IOException | IllegalArgumentException e) {
                    TarMemberStream.StorageReadException storage = storageFailure(e);
                    if (storage != null) {
                        throw new UncheckedIOException(storage); // fails the task, which Spark retries
                    }
                    failed = true;
                    return new ImageOutcome.Quarantined(unit.tar() + "!" + unit.member().name(),
                            "corrupt or truncated per-class archive after " + files + " files: " + e.getMessage());
                }
            }
        };
    }

    /** The storage error in {@code e}'s cause chain, or null when the archive's content is at fault. */
    static TarMemberStream.StorageReadException storageFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TarMemberStream.StorageReadException s) {
                return s;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static OutcomeIterator archiveSlice(SourceUnit.ArchiveSlice unit, Configuration conf,
                                                ImageConverter converter) throws IOException {
        Path tar = new Path(unit.tar());
        FSDataInputStream in = tar.getFileSystem(conf).open(tar);
        return new OutcomeIterator(in) {
            private int next;

            @Override
            ImageOutcome computeNext() throws IOException {
                if (next >= unit.members().size()) {
                    return null;
                }
                int i = next++;
                TarMember member = unit.members().get(i);
                String path = unit.tar() + "!" + member.name();
                if (unit.problems()[i] != null) {
                    return new ImageOutcome.Quarantined(path, unit.problems()[i]);
                }
                if (member.size() > ImageConverter.MAX_FILE_BYTES) {
                    return tooLarge(path, member.size());
                }
                byte[] bytes = new byte[(int) member.size()];
                in.seek(member.dataOffset());
                in.readFully(bytes);
                return converter.convert(path, unit.labels()[i], bytes);
            }
        };
    }

    private static OutcomeIterator fileGroup(SourceUnit.FileGroup unit, Configuration conf, ImageConverter converter) {
        return new OutcomeIterator(null) {
            private int next;

            @Override
            ImageOutcome computeNext() throws IOException {
                if (next >= unit.paths().size()) {
                    return null;
                }
                int i = next++;
                String path = unit.paths().get(i);
                if (unit.problems()[i] != null) {
                    return new ImageOutcome.Quarantined(path, unit.problems()[i]);
                }
                Path p = new Path(path);
                FileSystem fs = p.getFileSystem(conf);
                byte[] bytes;
                try (InputStream in = fs.open(p)) { // no metadata call per file: at most one byte past the limit
                    bytes = in.readNBytes(ImageConverter.MAX_FILE_BYTES + 1);
                }
                if (bytes.length > ImageConverter.MAX_FILE_BYTES) {
                    return tooLarge(path, fs.getFileStatus(p).getLen());
                }
                return converter.convert(path, unit.labels()[i], bytes);
            }
        };
    }

    private static ImageOutcome tooLarge(String path, long size) {
        return new ImageOutcome.Quarantined(path, "file of " + size + " bytes exceeds the "
                + ImageConverter.MAX_FILE_BYTES + "-byte limit for one image");
    }

    /** A lazy iterator over outcomes that closes its stream when exhausted. */
    private abstract static class OutcomeIterator implements Iterator<ImageOutcome> {
        private final Closeable resource;
        private ImageOutcome lookahead;
        private boolean finished;

        OutcomeIterator(Closeable resource) {
            this.resource = resource;
        }

        /** The next outcome, or null at the end. */
        abstract ImageOutcome computeNext() throws IOException;

        @Override
        public boolean hasNext() {
            if (lookahead == null && !finished) {
                try {
                    lookahead = computeNext();
                } catch (IOException e) {
                    closeQuietly();
                    throw new UncheckedIOException(e);
                }
                if (lookahead == null) {
                    finished = true;
                    closeQuietly();
                }
            }
            return lookahead != null;
        }

        @Override
        public ImageOutcome next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            ImageOutcome out = lookahead;
            lookahead = null;
            return out;
        }

        void closeQuietly() {
            if (resource == null) {
                return;
            }
            try {
                resource.close();
            } catch (IOException ignored) {
                // nothing useful to do: the data has been read or the task is over
            }
        }
    }
}
