package dev.bigbatch.data.image;

/**
 * An image that cannot be turned into pixels: empty, truncated, corrupt or in a format the native decoder does not
 * read. The message is the reason, written for the person who owns the data (it ends up in quarantine reports and in
 * the error a training task raises), and names the example or file when the thrower knows it.
 */
public class ImageDecodeException extends RuntimeException {

    public ImageDecodeException(String message) {
        super(message);
    }

    public ImageDecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}
