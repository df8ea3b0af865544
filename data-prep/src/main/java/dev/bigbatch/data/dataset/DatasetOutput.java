package dev.bigbatch.data.dataset;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;

/**
 * The output directory of a preparation, and the rules that keep it honest: a complete dataset (one with a
 * manifest) is never replaced unless asked, the manifest goes first when it is, leftovers of an interrupted run are
 * removed before writing, and a failed run removes what it wrote. Only the names of {@link DatasetLayout} are
 * ever deleted, so pointing the output at a directory holding other files does not lose them.
 */
final class DatasetOutput {
    private static final Logger LOG = LoggerFactory.getLogger(DatasetOutput.class);

    private final Path root;
    private final FileSystem fs;
    private final Configuration conf;

    DatasetOutput(Path root, Configuration conf) throws IOException {
        this.root = root;
        this.conf = conf;
        this.fs = root.getFileSystem(conf);
    }

    Path root() {
        return root;
    }

    Configuration conf() {
        return conf;
    }

    /** Refuses a complete dataset unless {@code overwrite}. Deletes nothing. */
    void checkWritable(boolean overwrite) throws IOException {
        if (fs.exists(root) && !fs.getFileStatus(root).isDirectory()) {
            throw new FileAlreadyExistsException(root + " is a file; the output must be a directory");
        }
        if (!overwrite && fs.exists(DatasetLayout.manifest(root))) {
            throw new FileAlreadyExistsException(root + " already holds a prepared dataset ("
                    + DatasetLayout.MANIFEST + " present); choose another output or pass --overwrite");
        }
    }

    /** Makes the directory empty of dataset files: the manifest first, so the old dataset is never half-valid. */
    void clear() throws IOException {
        Path manifest = DatasetLayout.manifest(root);
        boolean replacing = fs.exists(manifest);
        if (replacing) {
            LOG.info("{}: replacing the existing dataset", root);
            delete(manifest);
        }
        for (Path p : leftovers()) {
            if (fs.exists(p)) {
                if (!replacing) {
                    LOG.info("{}: removing {} left by an earlier, unfinished preparation", root, p.getName());
                }
                delete(p);
            }
        }
    }

    /** Best effort after a failure: removes the partial data, recording any failure to do so on {@code failure}. */
    void discard(Throwable failure) {
        for (Path p : leftovers()) {
            try {
                if (fs.exists(p)) {
                    fs.delete(p, true);
                }
            } catch (IOException | RuntimeException e) {
                failure.addSuppressed(new IOException("could not remove the partial " + p + "; delete it by hand", e));
            }
        }
    }

    private List<Path> leftovers() {
        return List.of(DatasetLayout.split(root, DatasetLayout.TRAIN), DatasetLayout.split(root, DatasetLayout.TEST),
                new Path(root, DatasetLayout.MANIFEST_TEMP));
    }

    private void delete(Path p) throws IOException {
        if (!fs.delete(p, true)) {
            throw new IOException("cannot delete " + p);
        }
    }
}
