package dev.bigbatch.bench;

/**
 * A command-line argument a bench does not accept: an unknown key, a key given twice, an unexpected bare argument or
 * a value that does not parse or is out of range. The message starts with the bench's name and names the argument and
 * what is allowed; {@link BenchRunner} prints it with the bench's usage and exits with the configuration-error status.
 */
public final class BenchOptionError extends IllegalArgumentException {
    public BenchOptionError(String message) {
        super(message);
    }
}
