package dev.bigbatch.jobs.cli;

import org.apache.hadoop.conf.Configuration;

import java.util.HashMap;
import java.util.Map;

/**
 * Settings applied to a shared Hadoop configuration (the test SparkContext's) for the length of a test, then put back
 * as they were, and the cached file system of the store closed, so nothing leaks into later tests.
 */
final class HadoopSettings implements AutoCloseable {
    private final Configuration conf;
    private final Map<String, String> previous = new HashMap<>();
    private final String storeUri;

    private HadoopSettings(Configuration conf, Map<String, String> settings, String storeUri) {
        this.conf = conf;
        this.storeUri = storeUri;
        settings.forEach((k, v) -> {
            previous.put(k, conf.get(k));
            conf.set(k, v);
        });
    }

    /** Applies {@code settings} to {@code conf}; {@code storeUri}'s cached FileSystem is closed at the end. */
    static HadoopSettings apply(Configuration conf, Map<String, String> settings, String storeUri) {
        return new HadoopSettings(conf, settings, storeUri);
    }

    @Override
    public void close() throws Exception {
        try {
            new org.apache.hadoop.fs.Path(storeUri).getFileSystem(conf).close(); // also drops it from the cache
        } finally {
            previous.forEach((k, v) -> {
                if (v == null) {
                    conf.unset(k);
                } else {
                    conf.set(k, v);
                }
            });
        }
    }
}
