package dev.bigbatch.optimizer.config;

/**
 * A configuration value the user got wrong: names the full key, what was found and what is allowed.
 * Thrown before any Spark work starts, so the job fails fast with a message the user can act on.
 */
public final class ConfigError extends IllegalArgumentException {
    private final String key;

    public ConfigError(String key, String message) {
        super(key + ": " + message);
        this.key = key;
    }

    /** The full dotted key, e.g. {@code optimizer.learning-rate}. */
    public String key() {
        return key;
    }
}
