package dev.bigbatch.jobs.cli;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

import java.io.IOException;

/** Reads a DL4J ModelSerializer zip ({@code model.zip}) from any Hadoop URI. */
public final class SavedModels {
    private SavedModels() {
    }

    public static ComputationGraph load(String uri, Configuration conf) throws IOException {
        Path p = new Path(uri);
        var fs = p.getFileSystem(conf);
        if (!fs.exists(p)) {
            throw new dev.bigbatch.jobs.exit.DataError("no model at " + uri + " (expected RUN/model.zip written by train)");
        }
        try (FSDataInputStream in = fs.open(p)) {
            return ModelSerializer.restoreComputationGraph(in, false);
        } catch (RuntimeException e) {
            throw new dev.bigbatch.jobs.exit.DataError(uri + " is not a DL4J ComputationGraph model zip: " + e.getMessage(), e);
        }
    }
}
