package dev.bigbatch.data.imagenet;

/**
 * Input that stops a dataset preparation: a missing or malformed archive, label file, metadata file or option. The
 * message names the file (and byte offset or line where it helps) and says what to do. Single bad images do not throw
 * this; they are quarantined.
 */
public class InputDataException extends RuntimeException {

    public InputDataException(String message) {
        super(message);
    }

    public InputDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
