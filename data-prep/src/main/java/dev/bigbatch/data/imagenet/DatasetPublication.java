package dev.bigbatch.data.imagenet;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bigbatch.data.dataset.DatasetLayout;
import dev.bigbatch.data.dataset.DatasetManifest;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Atomic publication of a prepared dataset: everything is written under {@code OUT/_staging-<uuid>} (hidden from
 * Parquet readers by its leading underscore), then each split directory and the quarantine report are renamed into
 * {@code OUT}, and {@code manifest.json} is written to a temporary name and renamed last. A dataset is complete if
 * and only if its manifest exists; a failed run leaves no manifest and removes its staging directory.
 */
final class DatasetPublication {

    static final String MANIFEST = DatasetLayout.MANIFEST;
    static final String QUARANTINE = "quarantine.jsonl";

    private final FileSystem fs;
    private final Path out;
    private final Path staging;

    DatasetPublication(FileSystem fs, Path out) {
        this.fs = fs;
        this.out = out;
        this.staging = new Path(out, "_staging-" + UUID.randomUUID());
    }

    /** Fails if {@code out} already holds a dataset or one of the splits about to be written. */
    void checkOutputFree(List<String> splits) throws IOException {
        for (String name : concat(MANIFEST, splits)) {
            if (fs.exists(new Path(out, name))) {
                throw new InputDataException("--out " + out + " already holds " + name
                        + "; delete it or choose another output directory");
            }
        }
    }

    /** Where split {@code split} is written before publication. */
    Path stagedSplit(String split) {
        return new Path(staging, split);
    }

    /** Writes the quarantine report ({@code split}, {@code path}, {@code reason} per line) into staging. */
    void writeQuarantine(Iterator<Map.Entry<String, ImageOutcome.Quarantined>> entries) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        try (FSDataOutputStream stream = fs.create(new Path(staging, QUARANTINE), true)) {
            while (entries.hasNext()) {
                Map.Entry<String, ImageOutcome.Quarantined> e = entries.next();
                Map<String, String> line = new LinkedHashMap<>();
                line.put("split", e.getKey());
                line.put("path", e.getValue().path());
                line.put("reason", e.getValue().reason());
                stream.write(mapper.writeValueAsBytes(line));
                stream.write('\n');
            }
        }
    }

    /** On failure: moves only the quarantine report to {@code OUT} (for the user to read) and drops the rest. */
    void publishReportOnly() throws IOException {
        moveIntoPlace(QUARANTINE);
        abandon();
    }

    /** Renames the splits and the report into place, then writes the manifest last. */
    void publish(List<String> splits, DatasetManifest manifest) throws IOException {
        for (String split : splits) {
            moveIntoPlace(split);
        }
        moveIntoPlace(QUARANTINE);
        Path temporary = new Path(out, "_" + MANIFEST + "-" + UUID.randomUUID());
        try (OutputStream stream = fs.create(temporary, false)) {
            stream.write(manifest.toJson().getBytes(StandardCharsets.UTF_8));
        }
        rename(temporary, new Path(out, MANIFEST));
        abandon();
    }

    /** Deletes the staging directory (idempotent). */
    void abandon() {
        try {
            fs.delete(staging, true);
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete staging directory " + staging, e);
        }
    }

    private void moveIntoPlace(String name) throws IOException {
        Path target = new Path(out, name);
        if (name.equals(QUARANTINE) && fs.exists(target)) {
            fs.delete(target, false); // a report from an earlier failed run
        }
        rename(new Path(staging, name), target);
    }

    private void rename(Path from, Path to) throws IOException {
        if (fs.exists(to)) {
            throw new InputDataException(to + " appeared while the dataset was being prepared; another job is "
                    + "writing to " + out);
        }
        if (!fs.rename(from, to)) {
            throw new IOException("could not rename " + from + " to " + to);
        }
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new java.util.ArrayList<>();
        all.add(first);
        all.addAll(rest);
        return all;
    }
}
