package dev.bigbatch.jobs.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.bigbatch.jobs.data.ImageDecoders;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The input size a saved model was trained at, for evaluating it on a JPEG dataset: DL4J's saved configuration does
 * not keep the input shape (a ResNet with global pooling accepts any), so it is read from the run's
 * {@code config.conf} ({@code RUN/config.conf} for {@code RUN/model.zip} and {@code RUN/checkpoints/ckpt-N}).
 * Without one, the dataset's default applies.
 */
final class TrainedInput {
    private static final String KEY = ImageDecoders.IMAGE_SIZE_KEY;

    private TrainedInput() {
    }

    /** {@value #KEY} of the run that wrote {@code modelUri}, or {@link ImageDecoders#DATASET_SIZE}. */
    static int imageSize(String modelUri, Configuration hadoop) {
        Path run = SavedModels.runDirectory(new Path(modelUri));
        if (run == null) {
            return ImageDecoders.DATASET_SIZE;
        }
        Path config = new Path(run, RunDirectory.CONFIG);
        try {
            FileSystem fs = config.getFileSystem(hadoop);
            if (!fs.exists(config)) {
                return ImageDecoders.DATASET_SIZE;
            }
            String text;
            try (FSDataInputStream in = fs.open(config)) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Config c = ConfigFactory.parseString(text);
            return c.hasPath(KEY) ? c.getInt(KEY) : ImageDecoders.DATASET_SIZE;
        } catch (IOException | ConfigException e) {
            throw new dev.bigbatch.jobs.exit.DataError("cannot read " + KEY + " from " + config + " (" + e.getMessage()
                    + "); pass --image-size", e);
        }
    }
}
