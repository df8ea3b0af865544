package dev.bigbatch.jobs.checkpoint;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The config given to resume a run differs from the config its checkpoint was trained with, in keys that must not
 * change on resume ({@link ConfigFingerprint}). The message lists every differing key as {@code key: old -> new}.
 * A user error: it maps to {@code ExitCode.CONFIG_ERROR}.
 */
public final class ConfigMismatchException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final transient List<ConfigFingerprint.KeyChange> changes;

    public ConfigMismatchException(String checkpoint, List<ConfigFingerprint.KeyChange> changes) {
        super(message(checkpoint, changes));
        this.changes = List.copyOf(changes);
    }

    private static String message(String checkpoint, List<ConfigFingerprint.KeyChange> changes) {
        return "the config differs from the one checkpoint " + checkpoint + " was trained with, in "
                + changes.size() + (changes.size() == 1 ? " key" : " keys") + " (checkpoint -> now):\n"
                + changes.stream().map(c -> "  " + c).collect(Collectors.joining("\n"))
                + "\nRevert these keys to resume, or start a new run with a different --out. Keys that may change "
                + "on resume: " + ConfigFingerprint.MAY_CHANGE_ON_RESUME;
    }

    /** The differing keys, sorted by key. */
    public List<ConfigFingerprint.KeyChange> changes() {
        return changes;
    }
}
