package dev.bigbatch.jobs.exit;

import com.typesafe.config.ConfigException;
import dev.bigbatch.jobs.checkpoint.CheckpointException;
import dev.bigbatch.jobs.checkpoint.ConfigMismatchException;
import dev.bigbatch.optimizer.config.ConfigError;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * The process exit status of {@code dev.bigbatch.jobs.Main}, one per way a run can end, so that a scheduler
 * (Airflow, Argo, a shell loop) can decide whether to retry, alert or move on without parsing logs.
 *
 * <p>Codes follow BSD {@code sysexits.h} where one fits (64–78) and avoid 1 (the JVM's own status for an uncaught
 * exception, and spark-submit's for its own failures), 2 (shell misuse) and 126–255 (shell and signals), so a
 * status of 1 or above 128 always means the run ended outside this mapping. The table users read is
 * {@code docs/EXIT_CODES.md}; a test keeps it in step with this enum.
 *
 * <p>{@link #ALREADY_DONE} deliberately shares 0 with {@link #SUCCESS}: re-submitting a finished run (an
 * orchestrator retry after the driver died between writing {@code _SUCCESS} and exiting, say) must count as success,
 * and a distinct non-zero status would make such retries fail. The log line says which of the two it was.
 */
public enum ExitCode {
    SUCCESS(0, "The run finished; the run directory has model.zip, report.html and _SUCCESS.", "Nothing."),
    ALREADY_DONE(0, "The run directory already had _SUCCESS; nothing was done.",
            "Nothing; --restart trains again in the same directory, a new --out keeps this run."),
    DATA_ERROR(65, "Input data is missing, unreadable or malformed (the message names the file and offset), or a "
            + "prepared dataset cannot train a classifier (fewer than 2 classes), or has another number of classes "
            + "than expected: than data.classes says, than the evaluated model has outputs, or, on resume, than the "
            + "run started with.",
            "Fix or regenerate the data; do not retry unchanged."),
    INTERNAL_ERROR(70, "An unexpected error: a bug, lost executors beyond Spark's retries, or out of memory.",
            "Read the driver log; retrying may help if the cluster was at fault."),
    CHECKPOINT_ERROR(74, "Checkpoints could not be written, or exist but none of them is readable.",
            "Check the filesystem (space, permissions); the message lists each checkpoint and why it was rejected."),
    CONFIG_ERROR(78, "The config is invalid (the message names the key), or differs from the checkpoint's config "
            + "in keys that must not change on resume, or --warm-start does not fit it (another network; with "
            + "train.warm-start-optimizer = carry, another optimizer or a state written under other settings, such "
            + "as the other Neumann mode).", "Fix the config, or use a new --out; do not retry unchanged."),
    DIVERGED(79, "Training diverged: the loss became NaN/infinite or exceeded train.divergence-factor times the "
            + "first step's (the message names the step and the last checkpoint with good weights); nothing from that "
            + "step was written.",
            "Lower the learning rate or add warm-up, then train a new --out with --warm-start and the checkpoint the "
                    + "message names (RUN/checkpoints/ckpt-N), or the same --out with --restart.");

    private final int code;
    private final String meaning;
    private final String action;

    ExitCode(int code, String meaning, String action) {
        this.code = code;
        this.meaning = meaning;
        this.action = action;
    }

    /** The process exit status. */
    public int code() {
        return code;
    }

    /** One sentence: what ending with this code means. */
    public String meaning() {
        return meaning;
    }

    /** One sentence: what the user should do. */
    public String action() {
        return action;
    }

    /** True for the codes that mean the run's goal is met. */
    public boolean isSuccess() {
        return code == 0;
    }

    /**
     * The code for a run that ended with {@code failure}: the first exception in its cause chain, from the outermost
     * inwards, whose type is recognised; {@link #INTERNAL_ERROR} if none is. Walking the chain matters because Spark
     * delivers an executor's exception as the cause of a {@code SparkException} on the driver.
     */
    public static ExitCode of(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && seen.add(t); t = t.getCause()) {
            ExitCode c = classify(t);
            if (c != null) {
                return c;
            }
        }
        return INTERNAL_ERROR;
    }

    private static ExitCode classify(Throwable t) {
        if (t instanceof ConfigError || t instanceof ConfigException || t instanceof ConfigMismatchException
                || t instanceof org.apache.hadoop.fs.FileAlreadyExistsException) { // an output that needs --overwrite
            return CONFIG_ERROR;
        }
        if (t instanceof DataError || t instanceof dev.bigbatch.data.cifar.CifarFormatException
                || t instanceof dev.bigbatch.data.imagenet.InputDataException
                || t instanceof java.io.FileNotFoundException) {
            return DATA_ERROR;
        }
        if (t instanceof DivergenceError) {
            return DIVERGED;
        }
        if (t instanceof CheckpointException) {
            return CHECKPOINT_ERROR;
        }
        return null;
    }
}
