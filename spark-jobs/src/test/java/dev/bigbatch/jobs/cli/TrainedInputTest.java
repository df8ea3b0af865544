package dev.bigbatch.jobs.cli;

import dev.bigbatch.jobs.data.ImageDecoders;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The trained input size comes from the run's config.conf for a model.zip and for a checkpoint directory alike. */
class TrainedInputTest {
    @TempDir
    Path tmp;

    @Test
    void modelZipAndCheckpointDirectoryBothReadTheRunsConfig() throws IOException {
        Path run = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(run.resolve(RunDirectory.CONFIG), "data { image-size = 160 }\n");
        Path ckpt = Files.createDirectories(run.resolve("checkpoints").resolve("ckpt-30"));
        Configuration conf = new Configuration();
        assertEquals(160, TrainedInput.imageSize(run.resolve("model.zip").toUri().toString(), conf));
        assertEquals(160, TrainedInput.imageSize(ckpt.toUri().toString(), conf));
        assertEquals(ImageDecoders.DATASET_SIZE, TrainedInput.imageSize(tmp.resolve("elsewhere/model.zip").toUri()
                .toString(), conf), "no config.conf: the dataset's default");
    }
}
