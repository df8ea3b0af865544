package dev.bigbatch.jobs.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.bigbatch.jobs.data.ImageDecoders;
import dev.bigbatch.jobs.run.TrainSettings;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Settings of the run that wrote a saved model, for evaluating it as that run did. DL4J's saved configuration keeps
 * neither the input size (a ResNet with global pooling accepts any) nor the evaluation batch size, so they are read
 * from the run's {@code config.conf} ({@code RUN/config.conf} for {@code RUN/model.zip} and
 * {@code RUN/checkpoints/ckpt-N}). Without one, the given default applies.
 */
final class TrainedInput {
    private static final String EVAL_BATCH_KEY = "train.eval-batch-size";

    private TrainedInput() {
    }

    /** {@code data.image-size} of the run that wrote {@code modelUri}, or {@link ImageDecoders#DATASET_SIZE}. */
    static int imageSize(String modelUri, Configuration hadoop) {
        return runSetting(modelUri, hadoop, ImageDecoders.IMAGE_SIZE_KEY, ImageDecoders.DATASET_SIZE, "--image-size");
    }

    /**
     * {@value #EVAL_BATCH_KEY} of the run that wrote {@code modelUri}, or {@link TrainSettings#DEFAULT_EVAL_BATCH}:
     * evaluation batches are chunks of this many example ids, so with it {@code evaluate} reproduces the run's own
     * evaluation to the bit.
     */
    static int evalBatchSize(String modelUri, Configuration hadoop) {
        return runSetting(modelUri, hadoop, EVAL_BATCH_KEY, TrainSettings.DEFAULT_EVAL_BATCH, "--batch-size");
    }

    private static int runSetting(String modelUri, Configuration hadoop, String key, int absent, String option) {
        Path run = SavedModels.runDirectory(new Path(modelUri));
        if (run == null) {
            return absent;
        }
        Path config = new Path(run, RunDirectory.CONFIG);
        try {
            FileSystem fs = config.getFileSystem(hadoop);
            if (!fs.exists(config)) {
                return absent;
            }
            String text;
            try (FSDataInputStream in = fs.open(config)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Config c = ConfigFactory.parseString(text);
            return c.hasPath(key) ? c.getInt(key) : absent;
        } catch (IOException | ConfigException e) {
            throw new dev.bigbatch.jobs.exit.DataError("cannot read " + key + " from " + config + " (" + e.getMessage()
                    + "); pass " + option, e);
        }
    }
}
