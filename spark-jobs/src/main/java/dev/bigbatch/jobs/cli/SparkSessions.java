package dev.bigbatch.jobs.cli;

import dev.bigbatch.jobs.run.SparkSettings;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Starts Spark for a command. Whatever spark-submit (or {@code -Dspark.*}) set wins; the config's {@code spark}
 * section only fills in what is missing, so the same command runs locally and on a cluster.
 */
public final class SparkSessions {
    /** How the commands that start Spark show their {@code --master} option. */
    static final String MASTER_USAGE = "[--master URL (default " + SparkSettings.DEFAULT_MASTER
            + " when spark-submit sets none)]";

    private SparkSessions() {
    }

    public static SparkSession start(String command, SparkSettings settings) {
        SparkConf conf = new SparkConf();
        if (!conf.contains("spark.master")) {
            conf.setMaster(settings.master());
        }
        conf.setIfMissing("spark.app.name", "bigbatch " + command);
        conf.setIfMissing("spark.ui.showConsoleProgress", "false");
        return SparkSession.builder().config(conf).getOrCreate();
    }
}
