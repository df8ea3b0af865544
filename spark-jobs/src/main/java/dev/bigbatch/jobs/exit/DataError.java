package dev.bigbatch.jobs.exit;

/**
 * Input data the user pointed the job at is missing, unreadable or malformed. The message names the file (or URI),
 * the record, line or byte offset, and what to do. Maps to {@link ExitCode#DATA_ERROR}.
 *
 * <p>Serializable like every {@link RuntimeException}, so when an executor throws it Spark carries it to the driver
 * as the cause of the job failure and {@link ExitCode#of(Throwable)} still finds it.
 */
public class DataError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DataError(String message) {
        super(message);
    }

    public DataError(String message, Throwable cause) {
        super(message, cause);
    }
}
