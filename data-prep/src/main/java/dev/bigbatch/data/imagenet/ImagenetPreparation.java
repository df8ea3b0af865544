package dev.bigbatch.data.imagenet;

import dev.bigbatch.data.dataset.DatasetLayout;
import dev.bigbatch.data.dataset.DatasetManifest;
import dev.bigbatch.data.dataset.SplitSummary;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code prepare-imagenet}: converts ILSVRC2012 (train tar of per-class tars, val tar plus labels, or directory
 * trees) or any folder-per-class image set into the shared prepared-dataset format: {@code OUT/<split>/} Parquet
 * ({@code id, label, coarse_label = -1, image} = re-encoded JPEG), {@code OUT/quarantine.jsonl} and, last,
 * {@code OUT/manifest.json}, the same {@link DatasetManifest} CIFAR datasets have, so {@code train} and
 * {@code evaluate} read both alike.
 *
 * <p>Steps: plan on the driver (listings and tar headers only); convert each split in parallel on executors
 * ({@link ImageConverter} rules), persisting the outcomes; check that no split has more than
 * {@code maxBadFraction} of its files quarantined (else fail with a message, publish the report only and no
 * dataset); write Parquet under a staging directory; publish atomically ({@link DatasetPublication}).
 */
public final class ImagenetPreparation {

    private static final Logger LOG = LoggerFactory.getLogger(ImagenetPreparation.class);
    static final String TRAIN = DatasetLayout.TRAIN;
    static final String VAL = DatasetLayout.VAL;
    /** Decoded images are always 3-channel (grayscale and CMYK are converted). */
    static final int CHANNELS = 3;

    private ImagenetPreparation() {
    }

    /**
     * Runs the preparation; the result's summary holds the per-split counts (the caller prints it).
     *
     * @throws InputDataException if an input is missing or malformed, the output is taken, or too many files were
     *                            quarantined
     */
    public static PreparationResult run(SparkSession spark, ImagenetPreparationOptions options) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Path out = new Path(options.out());
        FileSystem outFs = out.getFileSystem(conf);
        List<String> splitNames = options.val() == null ? List.of(TRAIN) : List.of(TRAIN, VAL);
        DatasetPublication publication = new DatasetPublication(outFs, out);
        publication.checkOutputFree(splitNames);

        LabelFiles labels = LabelFiles.load(conf, options);
        ClassRules rules = new ClassRules(options.layout(), labels.synsets());
        SourceDiscovery.Plan plan = new SourceDiscovery(conf, rules, options.targetShardBytes())
                .plan(options.train(), options.val(), labels.valLabels());
        LOG.info("prepare-imagenet: {} classes; {} train units, {} val units", plan.classKeys().size(),
                plan.train().size(), plan.val().size());

        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<SerializableConfiguration> confBroadcast = jsc.broadcast(new SerializableConfiguration(conf));
        ImageConverter converter = new ImageConverter(options.shorterSide(), options.jpegQuality());
        List<SplitConversion> conversions = new ArrayList<>();
        try {
            conversions.add(SplitConversion.run(jsc, TRAIN, plan.train(), confBroadcast, converter,
                    plan.classKeys().size()));
            if (options.val() != null) {
                conversions.add(SplitConversion.run(jsc, VAL, plan.val(), confBroadcast, converter,
                        plan.classKeys().size()));
            }
            List<SplitCounts> counts = conversions.stream().map(SplitConversion::counts).toList();
            for (SplitCounts c : counts) {
                if (!c.reconciles()) { // nothing is published from counts that do not add up
                    throw new IllegalStateException("counts of split " + c.split() + " do not reconcile: "
                            + c.summary() + ", per class " + java.util.Arrays.toString(c.classCounts()));
                }
            }
            publication.writeQuarantine(quarantined(conversions));
            String failure = badFractionFailure(counts, options, out);
            if (failure != null) {
                publication.publishReportOnly();
                throw new InputDataException(failure + "\n" + counts.stream().map(SplitCounts::summary)
                        .collect(java.util.stream.Collectors.joining("\n")));
            }
            for (SplitConversion c : conversions) {
                c.writeParquet(spark, publication.stagedSplit(c.counts().split()), options.targetShardBytes());
            }
            DatasetManifest manifest = manifest(options, rules.names(plan.classKeys()), plan.classKeys(), counts,
                    conversions.get(0).statistics());
            publication.publish(splitNames, manifest);
            PreparationResult result = new PreparationResult(out.toString(), plan.classKeys().size(), counts);
            LOG.info(result.summary());
            return result;
        } finally {
            publication.abandon();
            conversions.forEach(SplitConversion::release);
            confBroadcast.destroy();
            jsc.setJobDescription(null);
        }
    }

    /**
     * The shared manifest ({@link DatasetManifest}): JPEG images of varying size (height and width 0), the class
     * names, the WordNet ids as {@code classIds} for the ImageNet layout, and the written counts. The preparation's
     * own settings are recorded in {@code createdBy}; the quarantined files are listed in
     * {@value DatasetPublication#QUARANTINE}.
     */
    static DatasetManifest manifest(ImagenetPreparationOptions options, List<String> names, List<String> classKeys,
                                    List<SplitCounts> counts, SplitStatistics train) {
        Map<String, SplitSummary> splits = new LinkedHashMap<>();
        for (SplitCounts c : counts) {
            splits.put(c.split(), new SplitSummary(c.written(), Arrays.stream(c.classCounts()).boxed().toList()));
        }
        List<Double> mean = Arrays.stream(train.channelMean()).boxed().toList();
        List<Double> std = Arrays.stream(train.channelStd()).boxed().toList();
        String createdBy = String.format(Locale.ROOT, "bigbatch %s prepare-imagenet (shorter side %s, JPEG quality %d)",
                version(), options.shorterSide() == 0 ? "kept" : String.valueOf(options.shorterSide()),
                options.jpegQuality());
        return new DatasetManifest(DatasetManifest.FORMAT, DatasetManifest.SCHEMA_VERSION,
                options.layout().sourceName(), DatasetLayout.ENCODING_JPEG, 0, 0, CHANNELS, names, null,
                options.layout() == ImagenetPreparationOptions.Layout.IMAGENET ? classKeys : null, splits, mean, std,
                createdBy);
    }

    private static String version() {
        String v = ImagenetPreparation.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }

    /** Null if every split is within the limit, else the failure message. */
    static String badFractionFailure(List<SplitCounts> counts, ImagenetPreparationOptions options, Path out) {
        for (SplitCounts c : counts) {
            if (c.read() == 0) {
                return "prepare-imagenet: found no " + c.split() + " files (hidden names starting with '.' or '_' are "
                        + "skipped); check --" + c.split() + ". Nothing was published.";
            }
            if (c.written() == 0) {
                return "prepare-imagenet: no " + c.split() + " image could be converted (" + c.read()
                        + " files read, all quarantined); see " + new Path(out, DatasetPublication.QUARANTINE)
                        + " for each file and reason. Nothing was published.";
            }
            if (c.quarantinedFraction() > options.maxBadFraction()) {
                return String.format("prepare-imagenet: %d of %d %s files (%.3f%%) were quarantined, more than "
                                + "--max-bad-fraction %s allows; see %s for each file and reason, then fix or remove "
                                + "them or raise --max-bad-fraction. Nothing was published.", c.quarantined(),
                        c.read(), c.split(), 100 * c.quarantinedFraction(), options.maxBadFraction(),
                        new Path(out, DatasetPublication.QUARANTINE));
            }
        }
        return null;
    }

    /** The quarantined files of every split, split after split, without collecting them on the driver. */
    private static Iterator<Map.Entry<String, ImageOutcome.Quarantined>> quarantined(List<SplitConversion> splits) {
        Iterator<SplitConversion> remaining = splits.iterator();
        return new Iterator<>() {
            private Iterator<Map.Entry<String, ImageOutcome.Quarantined>> current = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && remaining.hasNext()) {
                    current = remaining.next().quarantined();
                }
                return current.hasNext();
            }

            @Override
            public Map.Entry<String, ImageOutcome.Quarantined> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }
}
