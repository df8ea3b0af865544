package dev.bigbatch.jobs.checkpoint;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checkpoints of one run on any Hadoop filesystem ({@code file:}, {@code hdfs:}, {@code s3a:}, ...), under
 * {@code <run>/checkpoints/}.
 *
 * <p>Write protocol: the files go into {@code ckpt-<step>.tmp-<uuid>/}, which is renamed to {@code ckpt-<step>/};
 * then a {@code COMMIT} marker holding the SHA-256 of every file is written into it (via a temporary name and a
 * rename). Only a directory with a valid marker counts, so a crash at any point leaves either the previous checkpoints
 * or the new one, never a half-written one that looks valid — also on object stores, where a directory rename is a
 * copy. Older checkpoints beyond the newest {@code keep} are deleted only after the new one is committed.
 *
 * <p>Read protocol ({@link #latestValid()}): directories are tried newest first; each must have a parsable marker,
 * every listed file must match its checksum, and every file must parse. A rejected directory is logged and reported
 * in {@link CheckpointScan#rejected()}, and the next older one is tried. Temporary directories are ignored.
 *
 * <p>No Java serialization: JSON, {@code .npy} and a zip of both (see {@link CheckpointFiles}).
 */
public final class CheckpointStore {
    /** The directory under the run directory. */
    public static final String DIRECTORY = "checkpoints";
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final Pattern COMMITTED = Pattern.compile("ckpt-(\\d{1,18})");
    private static final Pattern TEMPORARY = Pattern.compile("ckpt-(\\d{1,18})\\.tmp-[0-9a-f-]+");

    private final FileSystem fs;
    private final Path directory;
    private final int keep;

    /**
     * @param directory  the checkpoints directory (created on first write)
     * @param hadoopConf configuration for the filesystem
     * @param keep       how many committed checkpoints to keep, at least 1
     */
    public CheckpointStore(Path directory, Configuration hadoopConf, int keep) throws IOException {
        if (keep < 1) {
            throw new IllegalArgumentException("keep must be >= 1, was " + keep);
        }
        this.fs = directory.getFileSystem(hadoopConf);
        this.directory = fs.makeQualified(directory);
        this.keep = keep;
    }

    /** The store under {@code <runUri>/checkpoints}. */
    public static CheckpointStore inRun(String runUri, Configuration hadoopConf, int keep) throws IOException {
        return new CheckpointStore(new Path(new Path(runUri), DIRECTORY), hadoopConf, keep);
    }

    public Path directory() {
        return directory;
    }

    /**
     * Writes and commits {@code c} as {@code ckpt-<step>/} (replacing one of the same step), then deletes committed
     * checkpoints beyond the newest {@code keep} up to this step, uncommitted ones older than the newest committed,
     * and temporary directories of steps up to this one.
     *
     * @return the committed directory
     * @throws CheckpointException naming the directory if any filesystem operation fails
     */
    public Path write(Checkpoint c) throws CheckpointException {
        Path target = new Path(directory, "ckpt-" + c.step());
        Path tmp = new Path(directory, "ckpt-" + c.step() + ".tmp-" + UUID.randomUUID());
        try {
            if (!fs.mkdirs(tmp)) {
                throw new IOException("could not create " + tmp);
            }
            CommitMarker marker = new CommitMarker(CheckpointFiles.write(fs, tmp, c));
            if (fs.exists(target) && !fs.delete(target, true)) {
                throw new IOException("could not replace existing " + target);
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("could not rename " + tmp + " to " + target);
            }
            Path markerTmp = new Path(target, CommitMarker.NAME + ".tmp-" + UUID.randomUUID());
            try (OutputStream out = fs.create(markerTmp, false)) {
                out.write(marker.toBytes());
            }
            if (!fs.rename(markerTmp, new Path(target, CommitMarker.NAME))) {
                throw new IOException("could not rename " + markerTmp + " to COMMIT");
            }
        } catch (IOException e) {
            throw new CheckpointException("writing checkpoint at step " + c.step() + " to " + target + " failed: "
                    + e.getMessage(), e);
        }
        LOG.info("Committed checkpoint {} (step {}, epoch {})", target, c.step(), c.epoch());
        prune(c.step());
        return target;
    }

    /** Steps of the directories that carry a {@code COMMIT} marker, newest first (not verified). */
    public List<Long> committedSteps() throws IOException {
        List<Long> out = new ArrayList<>();
        for (long step : steps(COMMITTED)) {
            if (fs.exists(new Path(stepDir(step), CommitMarker.NAME))) {
                out.add(step);
            }
        }
        return out;
    }

    /**
     * Reads the committed checkpoint of {@code step}, verifying its checksums.
     *
     * @throws CheckpointException if it is missing, uncommitted, corrupt or unparseable, saying which
     */
    public Checkpoint read(long step) throws IOException {
        Path dir = stepDir(step);
        Path markerPath = new Path(dir, CommitMarker.NAME);
        if (!fs.exists(markerPath)) {
            throw new CheckpointException(dir + " is not a committed checkpoint (no " + CommitMarker.NAME + ")");
        }
        try {
            return CheckpointFiles.read(fs, dir, CommitMarker.parse(readSmall(markerPath)), step);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(dir + ": " + e.getMessage(), e);
        }
    }

    /** Finds the newest checkpoint that verifies and parses; see the class comment. */
    public CheckpointScan latestValid() throws IOException {
        List<String> rejected = new ArrayList<>();
        int committed = 0;
        for (long step : steps(COMMITTED)) {
            Path dir = stepDir(step);
            Path markerPath = new Path(dir, CommitMarker.NAME);
            if (!fs.exists(markerPath)) {
                reject(rejected, dir, "no COMMIT marker (the write was interrupted)");
                continue;
            }
            committed++;
            try {
                CommitMarker marker = CommitMarker.parse(readSmall(markerPath));
                Checkpoint c = CheckpointFiles.read(fs, dir, marker, step);
                return new CheckpointScan(Optional.of(c), Optional.of(dir), rejected, committed);
            } catch (IOException | IllegalArgumentException e) {
                reject(rejected, dir, e.getMessage());
            }
        }
        return new CheckpointScan(Optional.empty(), Optional.empty(), rejected, committed);
    }

    /**
     * The checkpoint to resume from, checked against the current config.
     *
     * @return empty for a fresh run (no checkpoint was ever committed)
     * @throws ConfigMismatchException if the newest valid checkpoint was trained with a different config, listing
     *                                 the keys
     * @throws CheckpointException     if checkpoints were committed but none is readable, listing why each was
     *                                 rejected
     */
    public Optional<Checkpoint> resume(ConfigFingerprint current) throws IOException {
        CheckpointScan scan = latestValid();
        if (scan.checkpoint().isEmpty()) {
            if (scan.isFresh()) {
                return Optional.empty();
            }
            throw new CheckpointException("none of the " + scan.committed() + " committed checkpoints in "
                    + directory + " is readable:\n  " + String.join("\n  ", scan.rejected())
                    + "\nRestore them from a backup, or delete " + directory + " to start again from step 0.");
        }
        Path dir = scan.directory().orElseThrow();
        scan.checkpoint().get().config().requireSame(current, dir.toString());
        return scan.checkpoint();
    }

    private void reject(List<String> rejected, Path dir, String why) {
        String line = dir.getName() + ": " + why;
        LOG.warn("Skipping checkpoint {}: {}", dir, why);
        rejected.add(line);
    }

    private void prune(long committedStep) throws CheckpointException {
        try {
            // Checkpoints of later steps are from a timeline this run abandoned when it resumed from an earlier one
            // (they were unreadable): they neither count towards keep nor make the new ones look old. They are left
            // as they are until this run writes their step again.
            List<Long> committed = committedSteps().stream().filter(s -> s <= committedStep).toList();
            long newest = committed.isEmpty() ? committedStep : committed.get(0);
            for (int i = keep; i < committed.size(); i++) {
                delete(stepDir(committed.get(i)));
            }
            for (long step : steps(COMMITTED)) {
                if (step < newest && !committed.contains(step)) {
                    delete(stepDir(step));
                }
            }
            for (FileStatus s : list()) {
                Matcher m = TEMPORARY.matcher(s.getPath().getName());
                if (m.matches() && Long.parseLong(m.group(1)) <= committedStep) {
                    delete(s.getPath());
                }
            }
        } catch (IOException e) {
            throw new CheckpointException("pruning old checkpoints in " + directory + " failed: " + e.getMessage(), e);
        }
    }

    private void delete(Path p) throws IOException {
        if (!fs.delete(p, true) && fs.exists(p)) {
            throw new IOException("could not delete " + p);
        }
        LOG.info("Deleted old checkpoint {}", p);
    }

    private Path stepDir(long step) {
        return new Path(directory, "ckpt-" + step);
    }

    /** Steps of the directories whose name matches {@code pattern}, newest first. */
    private List<Long> steps(Pattern pattern) throws IOException {
        List<Long> out = new ArrayList<>();
        for (FileStatus s : list()) {
            Matcher m = pattern.matcher(s.getPath().getName());
            if (s.isDirectory() && m.matches()) {
                out.add(Long.parseLong(m.group(1)));
            }
        }
        out.sort(Comparator.reverseOrder());
        return out;
    }

    private FileStatus[] list() throws IOException {
        try {
            return fs.listStatus(directory);
        } catch (FileNotFoundException e) {
            return new FileStatus[0];
        }
    }

    private byte[] readSmall(Path p) throws IOException {
        try (InputStream in = fs.open(p)) {
            return in.readNBytes(1 << 20);
        }
    }
}
