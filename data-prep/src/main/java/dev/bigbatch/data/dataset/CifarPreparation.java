package dev.bigbatch.data.dataset;

import dev.bigbatch.data.cifar.CifarReader;
import dev.bigbatch.data.cifar.CifarSplit;
import dev.bigbatch.data.cifar.CifarVariant;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a CIFAR-10 or CIFAR-100 binary archive (or extracted directory) into a prepared dataset
 * ({@link DatasetLayout}, encoding {@value DatasetLayout#ENCODING_RAW_U8_CHW}: the 3072 source bytes unchanged).
 *
 * <p>The archive is streamed on the driver ({@link CifarReader}); each split is written as Parquet by Spark, one
 * shard at a time ({@link ParquetSplitWriter}); the written rows are read back and reconciled with what was read;
 * the manifest, with the per-channel mean and standard deviation of the training pixels, is written last and
 * atomically. On any failure no manifest exists and the partial splits are removed, so the output is visibly
 * incomplete rather than silently short.
 */
public final class CifarPreparation {
    private static final Logger LOG = LoggerFactory.getLogger(CifarPreparation.class);
    /** Recorded as {@code createdBy} in the manifest. */
    public static final String CREATED_BY = "bigbatch " + version() + " " + CifarPreparation.class.getSimpleName();

    private static final String RPC_MAX_SIZE_KEY = "spark.rpc.message.maxSize";
    /** Spark's default for {@value #RPC_MAX_SIZE_KEY}, in MiB. */
    private static final String RPC_MAX_SIZE_DEFAULT = "128";
    /** Bytes of one row in a task: the image and a few dozen bytes of row structure. */
    private static final int RECORD_BYTES_ESTIMATE = CifarVariant.IMAGE_BYTES + 64;

    private CifarPreparation() {
    }

    /**
     * @param spark          the session whose Hadoop configuration reaches both URIs
     * @param inputUri       {@code cifar-10-binary.tar.gz}, {@code cifar-100-binary.tar.gz} or a directory extracted
     *                       from one, on any Hadoop file system
     * @param outUri         the dataset directory to create
     * @param shardsPerSplit Parquet files per split (fewer only when a split has fewer records), &ge; 1
     * @param overwrite      replace a complete dataset already at {@code outUri}
     * @throws org.apache.hadoop.fs.FileAlreadyExistsException if {@code outUri} holds a dataset and not overwrite
     * @throws dev.bigbatch.data.cifar.CifarFormatException   if the input is not valid CIFAR data
     */
    public static PreparationResult run(SparkSession spark, String inputUri, String outUri, int shardsPerSplit,
                                        boolean overwrite) throws IOException {
        if (shardsPerSplit < 1) {
            throw new IllegalArgumentException("shardsPerSplit must be at least 1, found " + shardsPerSplit);
        }
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        DatasetOutput output = new DatasetOutput(new Path(outUri), conf);
        output.checkWritable(overwrite);
        CifarReader reader = CifarReader.open(inputUri, conf);
        long maxTaskBytes = spark.sparkContext().getConf().getSizeAsMb(RPC_MAX_SIZE_KEY, RPC_MAX_SIZE_DEFAULT) << 20;
        for (CifarSplit split : CifarSplit.values()) {
            ParquetSplitWriter.checkShardsFit(split.dirName(), reader.count(split), RECORD_BYTES_ESTIMATE,
                    shardsPerSplit, maxTaskBytes);
        }
        output.clear();
        try {
            DatasetManifest manifest = write(spark, reader, output.root(), shardsPerSplit);
            manifest.write(output.root(), conf);
            LOG.info("{}: {} dataset ready: {} train, {} test records", outUri, manifest.source(),
                    manifest.split(DatasetLayout.TRAIN).count(), manifest.split(DatasetLayout.TEST).count());
            return new PreparationResult(outUri, manifest);
        } catch (IOException | RuntimeException | Error e) {
            output.discard(e);
            throw e;
        }
    }

    private static DatasetManifest write(SparkSession spark, CifarReader reader, Path root, int shards)
            throws IOException {
        Map<String, SplitSummary> splits = new LinkedHashMap<>();
        SplitStatistics train = null;
        for (CifarSplit split : CifarSplit.values()) {
            SplitStatistics stats = new SplitStatistics(reader.classNames().size(), CifarVariant.CHANNELS);
            ParquetSplitWriter writer = new ParquetSplitWriter(spark,
                    DatasetLayout.split(root, split.dirName()), reader.count(split), shards);
            reader.read(split, (id, label, coarse, image) -> {
                stats.add(label, image);
                writer.add(id, label, coarse, image);
            });
            writer.finish(stats);
            splits.put(split.dirName(), stats.summary());
            if (split == CifarSplit.TRAIN) {
                train = stats;
            }
        }
        CifarVariant v = reader.variant();
        return new DatasetManifest(DatasetManifest.FORMAT, DatasetManifest.SCHEMA_VERSION, v.sourceName(),
                DatasetLayout.ENCODING_RAW_U8_CHW, CifarVariant.HEIGHT, CifarVariant.WIDTH, CifarVariant.CHANNELS,
                reader.classNames(), v.hasCoarseLabels() ? reader.coarseClassNames() : null, null, splits,
                train.mean(), train.std(), CREATED_BY);
    }

    private static String version() {
        String v = CifarPreparation.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }
}
