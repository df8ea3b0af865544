package dev.bigbatch.jobs.checkpoint;

import org.apache.hadoop.fs.Path;

import java.util.List;
import java.util.Optional;

/**
 * The result of looking for the newest readable checkpoint: the checkpoint if one was found, where it was, and one
 * line per checkpoint directory that was newer but rejected (missing {@code COMMIT}, checksum mismatch, truncated or
 * unparsable file), newest first.
 *
 * @param checkpoint the newest valid checkpoint, if any
 * @param directory  its directory, if any
 * @param rejected   why each newer checkpoint directory was skipped, newest first
 * @param committed  how many checkpoint directories carried a {@code COMMIT} marker, valid or not
 */
public record CheckpointScan(Optional<Checkpoint> checkpoint, Optional<Path> directory, List<String> rejected,
                             int committed) {
    public CheckpointScan {
        rejected = List.copyOf(rejected);
    }

    /**
     * True when there is nothing to resume and nothing was lost: no checkpoint was ever committed (at most an
     * interrupted first write was found).
     */
    public boolean isFresh() {
        return checkpoint.isEmpty() && committed == 0;
    }
}
