package dev.bigbatch.jobs.run;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import dev.bigbatch.model.ModelChoice;
import dev.bigbatch.optimizer.OptimizerConfig;
import dev.bigbatch.optimizer.Optimizers;
import dev.bigbatch.optimizer.config.ConfigError;
import dev.bigbatch.optimizer.config.ConfigReader;

/**
 * A whole experiment config, validated before any Spark work: every section is read by its record, unknown keys are
 * rejected by name, and {@link #resolved()} is what gets written to the run directory.
 *
 * @param data      {@code data} section
 * @param model     {@code model} section
 * @param train     {@code train} section
 * @param optimizer {@code optimizer} section
 * @param spark     {@code spark} section
 * @param resolved  the merged config (file + --set overrides)
 * @param effective every key the job reads with the value in effect (defaults filled in), over {@code resolved}: what
 *                  the job runs with however it was spelled, the basis of the checkpoint's config fingerprint
 */
public record RunConfig(DataSettings data, ModelChoice model, TrainSettings train, OptimizerConfig optimizer,
                        SparkSettings spark, Config resolved, Config effective) {

    public static RunConfig from(Config root) {
        return from(root, new ConfigReader(root, ""));
    }

    /**
     * As {@link #from(Config)}, through {@code r}, a reader of {@code root}'s top level: its
     * {@link ConfigReader#keysRead()} then lists every key a run config accepts (docs/CONFIG.md is checked with it).
     */
    static RunConfig from(Config root, ConfigReader r) {
        DataSettings data = DataSettings.read(r.child("data"));
        ModelChoice model = ModelChoice.read(r.child("model"));
        TrainSettings train = TrainSettings.read(r.child("train"));
        OptimizerConfig optimizer = Optimizers.read(r.child("optimizer"));
        SparkSettings spark = SparkSettings.read(r.child("spark"));
        r.finish();
        checkGeneratedSplit(root, data, train);
        Config effective = ConfigFactory.parseMap(r.effectiveValues(), "values in effect").withFallback(root);
        return new RunConfig(data, model, train, optimizer, spark, root, effective);
    }

    /**
     * A step takes {@code train.global-batch-size} distinct training examples; for the generated dataset the split's
     * size is {@code data.synthetic.train}, known now (a prepared dataset's is checked when training starts,
     * {@code GlobalBatchSampler.checkFits}). The error names the key that was set: the batch, unless only the split
     * size was.
     */
    private static void checkGeneratedSplit(Config root, DataSettings data, TrainSettings train) {
        int examples = data.synthetic().train();
        if (!data.generate() || train.globalBatchSize() <= examples) {
            return;
        }
        String batch = "train.global-batch-size";
        String split = "data.synthetic.train";
        String fix = "; a step takes that many distinct examples: lower " + batch + " or raise " + split;
        if (root.hasPath(split) && !root.hasPath(batch)) {
            throw new ConfigError(split, examples + " is smaller than " + batch + " (" + train.globalBatchSize()
                    + ", the default)" + fix);
        }
        throw new ConfigError(batch, train.globalBatchSize() + " is larger than the generated training split, " + split
                + " (" + examples + ")" + fix);
    }

    /** HOCON text of the resolved config, comments stripped, keys sorted. */
    public String render() {
        return resolved.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setComments(false)
                .setJson(false).setFormatted(true));
    }
}
