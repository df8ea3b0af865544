package dev.bigbatch.data.imagenet;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * The fields of a prepared ImageNet/folder dataset's {@code manifest.json} (format {@code bigbatch-dataset},
 * schema version 1, shared with CIFAR).
 *
 * <p>MERGE NOTE: {@link #writeJson} is the single place that writes the manifest. It is written here with Jackson
 * only because the shared {@code dev.bigbatch.data.dataset.DatasetManifest} record is being written on another branch;
 * at merge, replace its body with building a {@code DatasetManifest} from these fields and writing that, keeping the
 * field names below if the shared record has none of its own for them.
 *
 * @param source      {@code imagenet} or {@code folder}
 * @param classes     human-readable class names, by class index
 * @param wnids       WordNet ids by class index ({@code imagenet} only, else null)
 * @param splits      counts of each written split, train first
 * @param channelMean per-channel (RGB, [0, 1]) pixel mean of the written training images
 * @param channelStd  per-channel standard deviation, same scale
 * @param shorterSide the preparation's shorter-side bound (0: original sizes)
 * @param jpegQuality the re-encoding quality
 */
public record ImagenetManifestFields(String source, List<String> classes, List<String> wnids, List<SplitCounts> splits,
                                     double[] channelMean, double[] channelStd, int shorterSide, int jpegQuality) {

    public static final String FORMAT = "bigbatch-dataset";
    public static final int SCHEMA_VERSION = 1;
    public static final String ENCODING = "jpeg";

    /** Writes the manifest as pretty-printed JSON; does not close {@code out}. */
    public void writeJson(OutputStream out) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        ObjectNode root = mapper.createObjectNode();
        root.put("format", FORMAT);
        root.put("schemaVersion", SCHEMA_VERSION);
        root.put("source", source);
        root.put("encoding", ENCODING);
        ArrayNode classNames = root.putArray("classes");
        classes.forEach(classNames::add);
        if (wnids != null) {
            ArrayNode ids = root.putArray("wnids");
            wnids.forEach(ids::add);
        }
        ObjectNode splitNode = root.putObject("splits");
        for (SplitCounts s : splits) {
            ObjectNode n = splitNode.putObject(s.split());
            n.put("count", s.written());
            ArrayNode perClass = n.putArray("classCounts");
            for (long c : s.classCounts()) {
                perClass.add(c);
            }
            n.put("quarantined", s.quarantined());
        }
        ArrayNode mean = root.putArray("mean");
        ArrayNode std = root.putArray("std");
        for (int c = 0; c < 3; c++) {
            mean.add(channelMean[c]);
            std.add(channelStd[c]);
        }
        ObjectNode prep = root.putObject("preparation");
        prep.put("shorterSide", shorterSide);
        prep.put("jpegQuality", jpegQuality);
        mapper.writeValue(out, root);
    }
}
