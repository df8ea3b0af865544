package dev.bigbatch.jobs.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import scala.Tuple2;

/**
 * The Hadoop configuration of a command that runs without a SparkContext (export, report, synth-cifar, reading
 * {@code --config}): Hadoop's own files (core-site.xml, ... on the classpath or {@code HADOOP_CONF_DIR}) plus every
 * {@code spark.hadoop.*} setting spark-submit passed ({@code --conf spark.hadoop.fs.s3a.endpoint=...}), prefix
 * removed, as a SparkContext would apply them. Credentials stay in the configuration; nothing here logs them.
 */
public final class HadoopConf {
    private static final String PREFIX = "spark.hadoop.";

    private HadoopConf() {
    }

    public static Configuration get() {
        Configuration conf = new Configuration();
        for (Tuple2<String, String> kv : new SparkConf().getAll()) {
            if (kv._1().startsWith(PREFIX)) {
                conf.set(kv._1().substring(PREFIX.length()), kv._2());
            }
        }
        return conf;
    }
}
