package dev.bigbatch.data.dataset;

import org.apache.spark.sql.SparkSession;

/**
 * The one local SparkSession of the data-prep test JVM (surefire reuses a single fork), created on first use and
 * stopped by Spark's own shutdown hook.
 */
public final class TestSpark {
    private static SparkSession session;

    private TestSpark() {
    }

    public static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder()
                    .appName("bigbatch-data-prep-tests")
                    .master("local[2]")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "2")
                    .config("spark.driver.host", "127.0.0.1")
                    .getOrCreate();
        }
        return session;
    }
}
