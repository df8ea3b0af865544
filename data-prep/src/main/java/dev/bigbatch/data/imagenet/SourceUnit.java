package dev.bigbatch.data.imagenet;

import java.io.Serializable;
import java.util.List;

/**
 * One Spark task's share of a split, found on the driver and read on an executor by {@link SourceUnitReader}. Every
 * file carries either a class index or, when it cannot be labelled, the reason it will be quarantined (its bytes are
 * then not decoded, but it is still counted as read).
 */
public sealed interface SourceUnit extends Serializable {

    /** Label for files that cannot be labelled; paired with a non-null problem. */
    int NO_LABEL = -1;

    /**
     * A per-class tar inside the ILSVRC train tar: streamed from its offset, every image gets {@code label}.
     *
     * @param problem null, or why all its files are quarantined (e.g. an unknown class)
     */
    record ClassArchive(String tar, TarMember member, int label, String problem) implements SourceUnit {
    }

    /**
     * Consecutive members of one tar (the flat ILSVRC val tar), each with its own label or problem.
     */
    record ArchiveSlice(String tar, List<TarMember> members, int[] labels, String[] problems) implements SourceUnit {
    }

    /** Files of a directory tree, each with its own label or problem. */
    record FileGroup(List<String> paths, int[] labels, String[] problems) implements SourceUnit {
    }
}
