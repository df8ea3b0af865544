package dev.bigbatch.data.imagenet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The class (as a wnid) of each ILSVRC2012 validation image, keyed by file stem ({@code ILSVRC2012_val_00000001}),
 * from either the devkit's {@code ILSVRC2012_validation_ground_truth.txt} (line i holds the ILSVRC2012_ID of image i,
 * mapped to a wnid through {@code meta.mat}) or Kaggle's {@code LOC_val_solution.csv}
 * ({@code ImageId,PredictionString} where the prediction string starts with the wnid).
 */
public final class ValidationLabels {

    private final Map<String, String> wnidByStem;
    private final String source;

    private ValidationLabels(Map<String, String> wnidByStem, String source) {
        this.wnidByStem = Map.copyOf(wnidByStem);
        this.source = source;
    }

    /** Parses the devkit's ground truth, mapping ILSVRC2012_IDs to wnids through {@code synsets}. */
    public static ValidationLabels fromGroundTruth(InputStream in, SynsetTable synsets, String source)
            throws IOException {
        Map<String, String> labels = new HashMap<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
        String line;
        int index = 0;
        while ((line = reader.readLine()) != null) {
            line = line.strip();
            if (line.isEmpty()) {
                continue;
            }
            index++;
            int id;
            try {
                id = Integer.parseInt(line);
            } catch (NumberFormatException e) {
                throw new InputDataException(source + " line " + index + ": expected an ILSVRC2012_ID, found '"
                        + line + "'");
            }
            Synset synset = synsets.byIlsvrcId(id).orElseThrow(() -> new InputDataException(source + ": ILSVRC2012_ID "
                    + id + " is not in meta.mat's synsets; the ground truth and meta.mat must come from the same "
                    + "devkit"));
            labels.put(String.format("ILSVRC2012_val_%08d", index), synset.wnid());
        }
        return new ValidationLabels(labels, source);
    }

    /** Parses {@code LOC_val_solution.csv}. */
    public static ValidationLabels fromLocCsv(InputStream in, String source) throws IOException {
        Map<String, String> labels = new HashMap<>();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String header = reader.readLine();
        if (header == null || !header.strip().replace("\uFEFF", "").startsWith("ImageId,")) {
            throw new InputDataException(source + ": expected the header 'ImageId,PredictionString', found '"
                    + header + "'");
        }
        String line;
        int lineNumber = 1;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            int comma = line.indexOf(',');
            String wnid = comma < 0 ? "" : line.substring(comma + 1).strip().split("\\s+", 2)[0];
            if (!SynsetTable.WNID.matcher(wnid).matches()) {
                throw new InputDataException(source + " line " + lineNumber + ": expected 'ImageId,nXXXXXXXX ...', "
                        + "found '" + line + "'");
            }
            labels.put(line.substring(0, comma).strip(), wnid);
        }
        return new ValidationLabels(labels, source);
    }

    /** The wnid of the image with this file stem, if the labels name it. */
    public Optional<String> wnidOf(String stem) {
        return Optional.ofNullable(wnidByStem.get(stem));
    }

    public int size() {
        return wnidByStem.size();
    }

    /** Where the labels were read from. */
    public String source() {
        return source;
    }
}
