package dev.bigbatch.jobs.run;

import dev.bigbatch.optimizer.config.ConfigError;
import dev.bigbatch.optimizer.config.ConfigReader;

/**
 * The {@code spark} section: used only for what {@code spark-submit} did not already set.
 *
 * @param master master URL when none is given by spark-submit (local runs)
 */
public record SparkSettings(String master) {
    public static final String DEFAULT_MASTER = "local[2]";

    public static SparkSettings read(ConfigReader r) {
        String master = r.string("master", DEFAULT_MASTER);
        if (master.isBlank()) {
            // Spark would fail later with "Could not parse Master URL: ''", naming no key and exiting 70
            throw new ConfigError(r.fullKey("master"), "must not be blank; give a master URL such as local[4], "
                    + "or remove the key to use " + DEFAULT_MASTER);
        }
        r.finish();
        return new SparkSettings(master);
    }
}
