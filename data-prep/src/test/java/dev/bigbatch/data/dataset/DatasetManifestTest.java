package dev.bigbatch.data.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetManifestTest {
    private static final Configuration CONF = new Configuration();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    java.nio.file.Path dir;

    static DatasetManifest cifar10() {
        return new DatasetManifest(DatasetManifest.FORMAT, 1, "cifar-10", DatasetLayout.ENCODING_RAW_U8_CHW, 32, 32,
                3, List.of("a", "b"), null, null,
                Map.of("train", new SplitSummary(5, List.of(2L, 3L)), "test", new SplitSummary(1, List.of(0L, 1L))),
                List.of(0.49, 0.48, 0.45), List.of(0.25, 0.24, 0.26), "test");
    }

    static DatasetManifest cifar100() {
        return new DatasetManifest(DatasetManifest.FORMAT, 1, "cifar-100", DatasetLayout.ENCODING_RAW_U8_CHW, 32, 32,
                3, List.of("apple", "bee", "cup"), List.of("fruit", "other"), null,
                Map.of("train", new SplitSummary(3, List.of(1L, 1L, 1L)),
                        "test", new SplitSummary(0, List.of(0L, 0L, 0L))),
                List.of(0.5, 0.5, 0.5), List.of(0.1, 0.2, 0.3), "test");
    }

    static DatasetManifest imagenet(Map<String, SplitSummary> splits) {
        return new DatasetManifest(DatasetManifest.FORMAT, 1, "imagenet", DatasetLayout.ENCODING_JPEG, 0, 0, 3,
                List.of("tench", "goldfish"), null, List.of("n01440764", "n01443537"), splits,
                List.of(0.48, 0.45, 0.40), List.of(0.23, 0.22, 0.22), "test");
    }

    static DatasetManifest imagenet() {
        return imagenet(Map.of("train", new SplitSummary(3, List.of(2L, 1L)), "val", new SplitSummary(2, List.of(1L, 1L))));
    }

    @Test
    void jsonRoundTripIsExact() throws IOException {
        for (DatasetManifest m : List.of(cifar10(), cifar100(), imagenet())) {
            assertEquals(m, DatasetManifest.fromJson(m.toJson(), "m.json"));
        }
    }

    @Test
    void jsonHasTheDocumentedNamesInOrder() throws IOException {
        JsonNode c100 = JSON.readTree(cifar100().toJson());
        List<String> names = new ArrayList<>();
        c100.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("format", "schemaVersion", "source", "encoding", "height", "width", "channels",
                "classes", "coarseClasses", "splits", "mean", "std", "createdBy"), names);
        assertEquals("bigbatch-dataset", c100.get("format").asText());
        assertEquals(1, c100.get("schemaVersion").asInt());
        assertEquals("raw-u8-chw", c100.get("encoding").asText());
        assertEquals(3, c100.get("splits").get("train").get("count").asLong());
        assertEquals(3, c100.get("splits").get("train").get("perClass").size());
        JsonNode c10 = JSON.readTree(cifar10().toJson());
        assertFalse(c10.has("coarseClasses"), "coarseClasses only for CIFAR-100");
        assertNull(DatasetManifest.fromJson(c10.toString(), "m.json").coarseClasses());
    }

    @Test
    void writeThenLoadThroughHadoop() throws IOException {
        Path root = new Path(dir.toUri());
        cifar100().write(root, CONF);
        assertEquals(cifar100(), DatasetManifest.load(dir.toUri().toString(), CONF));
        assertFalse(Files.exists(dir.resolve(DatasetLayout.MANIFEST_TEMP)));
        cifar10().write(root, CONF);
        assertEquals(cifar10(), DatasetManifest.load(dir.toString(), CONF), "replaced in place");
    }

    @Test
    void refusesDirectoryWithoutManifest() throws IOException {
        Files.createDirectories(dir.resolve("out/train"));
        String uri = dir.resolve("out").toUri().toString();
        IOException e = assertThrows(IOException.class, () -> DatasetManifest.load(uri, CONF));
        assertTrue(e.getMessage().contains("manifest.json") && e.getMessage().contains("incomplete")
                && e.getMessage().contains("interrupted") && e.getMessage().contains("prepare"), e.getMessage());
        FileNotFoundException absent = assertThrows(FileNotFoundException.class,
                () -> DatasetManifest.load(dir.resolve("nothing").toString(), CONF));
        assertTrue(absent.getMessage().contains("nothing"), absent.getMessage());
    }

    private IOException loadFails(ObjectNode json) throws IOException {
        Files.writeString(dir.resolve(DatasetLayout.MANIFEST), json.toString());
        return assertThrows(IOException.class, () -> DatasetManifest.load(dir.toString(), CONF));
    }

    @Test
    void rejectsUnknownFormatVersionAndInvalidContent() throws IOException {
        ObjectNode version = (ObjectNode) JSON.readTree(cifar10().toJson());
        version.put("schemaVersion", 2);
        IOException v = loadFails(version);
        assertTrue(v.getMessage().contains("schemaVersion 2") && v.getMessage().contains(DatasetLayout.MANIFEST),
                v.getMessage());

        ObjectNode format = (ObjectNode) JSON.readTree(cifar10().toJson());
        format.put("format", "tfrecord-dataset");
        assertTrue(loadFails(format).getMessage().contains("not a bigbatch dataset manifest"));

        ObjectNode counts = (ObjectNode) JSON.readTree(cifar10().toJson());
        ((ObjectNode) counts.get("splits").get("train")).put("count", 6);
        IOException c = loadFails(counts);
        assertTrue(c.getMessage().contains("invalid manifest") && c.getMessage().contains("perClass sums to 5"),
                c.getMessage());

        ObjectNode mean = (ObjectNode) JSON.readTree(cifar10().toJson());
        mean.putArray("mean").add(0.5);
        assertTrue(loadFails(mean).getMessage().contains("mean must have 3 values"));

        Files.writeString(dir.resolve(DatasetLayout.MANIFEST), "{ not json");
        IOException j = assertThrows(IOException.class, () -> DatasetManifest.load(dir.toString(), CONF));
        assertTrue(j.getMessage().contains("not valid JSON"), j.getMessage());
    }

    @Test
    void jpegDatasetsHaveClassIdsVariableSizeAndAValSplit() throws IOException {
        JsonNode json = JSON.readTree(imagenet().toJson());
        assertEquals("n01443537", json.get("classIds").get(1).asText());
        assertEquals(0, json.get("height").asInt());
        DatasetManifest m = DatasetManifest.fromJson(json.toString(), "m.json");
        assertTrue(m.variableSize());
        assertFalse(cifar10().variableSize());
        assertEquals("val", m.evaluationSplit());
        assertEquals("test", cifar10().evaluationSplit(), "test is preferred");
        assertNull(imagenet(Map.of("train", new SplitSummary(3, List.of(2L, 1L)))).evaluationSplit());
    }

    @Test
    void rejectsWhatNoReaderCouldUse() throws IOException {
        ObjectNode rawWithoutSize = (ObjectNode) JSON.readTree(cifar10().toJson());
        rawWithoutSize.put("height", 0);
        IOException size = loadFails(rawWithoutSize);
        assertTrue(size.getMessage().contains("raw-u8-chw") && size.getMessage().contains("height"), size.getMessage());

        ObjectNode ids = (ObjectNode) JSON.readTree(imagenet().toJson());
        ids.putArray("classIds").add("n01440764");
        IOException i = loadFails(ids);
        assertTrue(i.getMessage().contains("classIds must have one entry per class (2)"), i.getMessage());

        ObjectNode noTrain = (ObjectNode) JSON.readTree(imagenet().toJson());
        ((ObjectNode) noTrain.get("splits")).remove("train");
        assertTrue(loadFails(noTrain).getMessage().contains("splits must hold train"));

        ObjectNode oddSplit = (ObjectNode) JSON.readTree(imagenet().toJson());
        ((ObjectNode) oddSplit.get("splits")).set("holdout", oddSplit.get("splits").get("val"));
        IOException odd = loadFails(oddSplit);
        assertTrue(odd.getMessage().contains("'holdout'") && odd.getMessage().contains("[train, val, test]"),
                odd.getMessage());
    }

    @Test
    void splitLookupNamesTheSplits() {
        assertEquals(5, cifar10().split("train").count());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cifar10().split("val"));
        assertTrue(e.getMessage().contains("val"), e.getMessage());
        assertEquals(2, cifar10().numClasses());
    }
}
