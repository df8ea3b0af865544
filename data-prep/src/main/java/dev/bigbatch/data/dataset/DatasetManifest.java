package dev.bigbatch.data.dataset;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.bigbatch.data.io.AtomicFiles;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code manifest.json} of a prepared dataset (see {@link DatasetLayout}): what the data is and how it is stored.
 * It is written last and atomically, so a directory without it is an incomplete dataset and is refused.
 * Serializable only so that Spark can ship it to executors; on disk it is always JSON.
 *
 * @param format        always {@value #FORMAT}
 * @param schemaVersion the version of this layout, {@value #SCHEMA_VERSION}
 * @param source        where the data came from: {@code cifar-10}, {@code cifar-100}, ...
 * @param encoding      how the {@code image} column is stored, e.g. {@value DatasetLayout#ENCODING_RAW_U8_CHW}
 * @param height        image height in pixels; 0 when the images vary in size ({@value DatasetLayout#ENCODING_JPEG}
 *                      datasets, whose network input size is chosen at training time)
 * @param width         image width in pixels; 0 when the images vary in size
 * @param channels      colour channels
 * @param classes       class names indexed by label
 * @param coarseClasses CIFAR-100 superclass names indexed by coarse label; {@code null} (absent) otherwise
 * @param classIds      stable identifiers of the classes indexed by label, where the source has them (ImageNet's
 *                      WordNet ids); {@code null} (absent) otherwise
 * @param splits        sizes of the splits: {@code train} always, and {@code test} (CIFAR) or {@code val}
 *                      (ImageNet) when prepared
 * @param mean          per-channel mean of the training pixels scaled to [0, 1]
 * @param std           per-channel (population) standard deviation of the same
 * @param createdBy     the program that wrote the dataset
 */
@JsonPropertyOrder({"format", "schemaVersion", "source", "encoding", "height", "width", "channels", "classes",
        "coarseClasses", "classIds", "splits", "mean", "std", "createdBy"})
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatasetManifest(String format, int schemaVersion, String source, String encoding, int height,
                              int width, int channels, List<String> classes, List<String> coarseClasses,
                              List<String> classIds, Map<String, SplitSummary> splits, List<Double> mean, List<Double> std,
                              String createdBy) implements Serializable {
    public static final String FORMAT = "bigbatch-dataset";
    public static final int SCHEMA_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public DatasetManifest {
        require(FORMAT.equals(format), "format must be " + FORMAT + ", found " + format);
        require(schemaVersion == SCHEMA_VERSION,
                "schemaVersion must be " + SCHEMA_VERSION + ", found " + schemaVersion);
        require(source != null && !source.isBlank(), "source is missing");
        require(encoding != null && !encoding.isBlank(), "encoding is missing");
        require(height >= 0 && width >= 0 && channels > 0,
                "height and width must be >= 0 and channels positive, found " + height + ", " + width + ", "
                        + channels);
        require(!DatasetLayout.ENCODING_RAW_U8_CHW.equals(encoding) || (height > 0 && width > 0),
                "encoding " + encoding + " stores fixed-size images: height and width must be positive, found "
                        + height + ", " + width);
        require(classes != null && !classes.isEmpty(), "classes is missing or empty");
        classes = List.copyOf(classes);
        coarseClasses = coarseClasses == null ? null : List.copyOf(coarseClasses);
        require(classIds == null || classIds.size() == classes.size(),
                "classIds must have one entry per class (" + classes.size() + "), found "
                        + (classIds == null ? 0 : classIds.size()));
        classIds = classIds == null ? null : List.copyOf(classIds);
        require(splits != null && splits.containsKey(DatasetLayout.TRAIN),
                "splits must hold " + DatasetLayout.TRAIN + ", found " + (splits == null ? null : splits.keySet()));
        for (var e : splits.entrySet()) {
            require(DatasetLayout.SPLITS.contains(e.getKey()), "split '" + e.getKey() + "' is not one of "
                    + DatasetLayout.SPLITS);
            require(e.getValue() != null && e.getValue().perClass().size() == classes.size(), "split " + e.getKey()
                    + " must give perClass for all " + classes.size() + " classes");
        }
        splits = Collections.unmodifiableMap(new LinkedHashMap<>(splits));
        require(mean != null && mean.size() == channels, "mean must have " + channels + " values, found " + mean);
        require(std != null && std.size() == channels, "std must have " + channels + " values, found " + std);
        require(std.stream().allMatch(s -> s != null && s > 0 && Double.isFinite(s)),
                "std must be positive and finite (the training images are constant?), found " + std);
        mean = List.copyOf(mean);
        std = List.copyOf(std);
    }

    private static void require(boolean ok, String problem) {
        if (!ok) {
            throw new IllegalArgumentException(problem);
        }
    }

    /** The number of classes, i.e. the size of the label space. */
    @JsonIgnore
    public int numClasses() {
        return classes.size();
    }

    /**
     * The split that training evaluates on and {@code evaluate} reads by default: {@code test} if the dataset has
     * one, else {@code val}, else null (a training split alone).
     */
    @JsonIgnore
    public String evaluationSplit() {
        for (String name : List.of(DatasetLayout.TEST, DatasetLayout.VAL)) {
            if (splits.containsKey(name)) {
                return name;
            }
        }
        return null;
    }

    /** Whether the images vary in size (height and width recorded as 0), so the input size is chosen by the user. */
    @JsonIgnore
    public boolean variableSize() {
        return height == 0 || width == 0;
    }

    /** The size of a split ({@code train}, {@code val} or {@code test}). */
    public SplitSummary split(String name) {
        SplitSummary s = splits.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no split " + name + " in this dataset; it has " + splits.keySet());
        }
        return s;
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialise a manifest", e);
        }
    }

    /**
     * Parses a manifest; {@code file} names it in error messages.
     *
     * @throws IOException naming the file if it is not a bigbatch dataset manifest of a known version
     */
    public static DatasetManifest fromJson(String json, String file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IOException(file + ": not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (root == null || !FORMAT.equals(root.path("format").asText(null))) {
            throw new IOException(file + ": not a bigbatch dataset manifest (format is "
                    + (root == null ? "absent" : root.path("format")) + ", expected \"" + FORMAT + "\")");
        }
        int version = root.path("schemaVersion").asInt(-1);
        if (version != SCHEMA_VERSION) {
            throw new IOException(file + ": dataset schemaVersion " + root.path("schemaVersion")
                    + " is not supported (this bigbatch reads version " + SCHEMA_VERSION
                    + "); prepare the dataset again with this version");
        }
        try {
            return JSON.treeToValue(root, DatasetManifest.class);
        } catch (IOException e) {
            Throwable cause = e.getCause() instanceof IllegalArgumentException ? e.getCause() : e;
            throw new IOException(file + ": invalid manifest: " + cause.getMessage(), e);
        }
    }

    /**
     * Reads the manifest of the dataset at {@code uri} (its directory).
     *
     * @throws FileNotFoundException if nothing is there
     * @throws IOException           if the directory has no manifest (an interrupted preparation) or it is invalid
     */
    public static DatasetManifest load(String uri, Configuration conf) throws IOException {
        Path dir = new Path(uri);
        FileSystem fs = dir.getFileSystem(conf);
        if (!fs.exists(dir)) {
            throw new FileNotFoundException(uri + ": no prepared dataset here (nothing at this path); run the "
                    + "prepare command first");
        }
        Path file = DatasetLayout.manifest(dir);
        if (!fs.exists(file)) {
            throw new IOException(uri + ": no " + DatasetLayout.MANIFEST + ", so the dataset is incomplete "
                    + "(its preparation was interrupted or failed); run the prepare command again for this output");
        }
        try (FSDataInputStream in = fs.open(file)) {
            return fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8), file.toString());
        }
    }

    /** Writes {@code manifest.json} into {@code dir}: to a temporary name first, then renamed into place. */
    public void write(Path dir, Configuration conf) throws IOException {
        AtomicFiles.write(DatasetLayout.manifest(dir), new Path(dir, DatasetLayout.MANIFEST_TEMP), conf,
                out -> out.write(toJson().getBytes(StandardCharsets.UTF_8)));
    }
}
