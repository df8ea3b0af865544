package dev.bigbatch.jobs.cli;

import dev.bigbatch.data.dataset.DatasetManifest;
import dev.bigbatch.jobs.exit.DataError;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;

/** Opens a prepared dataset's manifest; a missing or incomplete dataset is a {@link DataError} naming the path. */
final class PreparedDatasets {
    private PreparedDatasets() {
    }

    static DatasetManifest manifest(String uri, Configuration conf) {
        try {
            return DatasetManifest.load(uri, conf);
        } catch (IOException e) {
            throw new DataError(e.getMessage(), e);
        }
    }
}
