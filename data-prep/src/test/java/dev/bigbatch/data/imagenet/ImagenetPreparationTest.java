package dev.bigbatch.data.imagenet;

import static dev.bigbatch.data.imagenet.DatasetTrees.GOLDFISH;
import static dev.bigbatch.data.imagenet.DatasetTrees.SHARK;
import static dev.bigbatch.data.imagenet.DatasetTrees.TENCH;
import static dev.bigbatch.data.imagenet.DatasetTrees.jpeg;
import static dev.bigbatch.data.imagenet.DatasetTrees.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bigbatch.data.dataset.DatasetLayout;
import dev.bigbatch.data.dataset.DatasetManifest;
import dev.bigbatch.data.image.ImageFixtures;
import dev.bigbatch.data.image.NativeImageDecoder;
import dev.bigbatch.data.io.TarFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** prepare-imagenet end to end on local[2], on tiny generated inputs with every kind of bad file. */
class ImagenetPreparationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SHORTER_SIDE = 24;

    @TempDir
    Path dir;

    private ImagenetPreparationOptions options(Path train, Path val, Path labels, Path out) {
        return ImagenetPreparationOptions.of(train.toString(), val == null ? null : val.toString(),
                labels == null ? null : labels.toString(), out.toString())
                .withImages(SHORTER_SIDE, 90).withLimits(0.5, 1 << 20);
    }

    @Test
    void trainTarOfTarsAndValTarWithLocLabels() throws IOException {
        Path train = write(dir.resolve("ILSVRC2012_img_train.tar"), TarFixtures.tar(DatasetTrees.trainArchives()));
        Path val = write(dir.resolve("ILSVRC2012_img_val.tar"), TarFixtures.tar(DatasetTrees.valImages()));
        Path labels = write(dir.resolve("LOC_val_solution.csv"),
                DatasetTrees.VAL_LOC_CSV.getBytes(StandardCharsets.UTF_8));
        Path out = dir.resolve("out");

        PreparationResult result = ImagenetPreparation.run(SharedSpark.get(), options(train, val, labels, out));

        SplitCounts trainCounts = result.split("train");
        assertEquals(List.of(15L, 11L, 4L), List.of(trainCounts.read(), trainCounts.written(),
                trainCounts.quarantined()));
        assertArrayEquals(new long[] {5, 3, 3}, trainCounts.classCounts());
        assertEquals(Map.of(ImageConverter.GRAYSCALE, 1L, ImageConverter.CMYK, 1L, "PNG content -> JPEG", 1L),
                trainCounts.conversions());
        SplitCounts valCounts = result.split("val");
        assertEquals(List.of(6L, 4L, 2L), List.of(valCounts.read(), valCounts.written(), valCounts.quarantined()));
        assertTrue(trainCounts.reconciles() && valCounts.reconciles());

        JsonNode manifest = JSON.readTree(out.resolve("manifest.json").toFile());
        assertEquals("bigbatch-dataset", manifest.get("format").asText());
        assertEquals(1, manifest.get("schemaVersion").asInt());
        assertEquals("imagenet", manifest.get("source").asText());
        assertEquals("jpeg", manifest.get("encoding").asText());
        assertEquals(List.of(TENCH, GOLDFISH, SHARK), strings(manifest.get("classIds")));
        assertEquals(List.of(TENCH, GOLDFISH, SHARK), strings(manifest.get("classes")), "no names given");
        assertEquals(11, manifest.at("/splits/train/count").asLong());
        assertEquals(List.of("2", "1", "1"), strings(manifest.at("/splits/val/perClass")));
        // the shared manifest that train and evaluate read
        DatasetManifest shared = DatasetManifest.load(out.toString(), new Configuration());
        assertEquals(DatasetLayout.ENCODING_JPEG, shared.encoding());
        assertEquals(List.of(0, 0, 3), List.of(shared.height(), shared.width(), shared.channels()));
        assertTrue(shared.variableSize());
        assertEquals(List.of(5L, 3L, 3L), shared.split(DatasetLayout.TRAIN).perClass());
        assertEquals(4, shared.split(DatasetLayout.VAL).count());
        assertEquals(DatasetLayout.VAL, shared.evaluationSplit());
        assertTrue(shared.createdBy().contains("shorter side " + SHORTER_SIDE) && shared.createdBy().contains("90"),
                shared.createdBy());
        for (int c = 0; c < 3; c++) {
            double mean = manifest.get("mean").get(c).asDouble();
            double std = manifest.get("std").get(c).asDouble();
            assertTrue(mean > 0 && mean < 1 && std > 0 && std < 0.5, "channel " + c + ": " + mean + ", " + std);
        }

        List<JsonNode> report = quarantine(out);
        assertEquals(6, report.size());
        assertReason(report, "train", GOLDFISH + "_cut.JPEG", "truncated JPEG");
        assertReason(report, "train", GOLDFISH + "_empty.JPEG", "empty file");
        assertReason(report, "train", "misc.tar!a.JPEG", "unknown class folder 'misc'");
        assertReason(report, "val", "ILSVRC2012_val_00000005.JPEG", "unknown class 'n01440000'");
        assertReason(report, "val", "ILSVRC2012_val_00000006.JPEG", "no label");

        List<Row> rows = rows(out.resolve("train"));
        assertEquals(11, rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            assertEquals(i, r.getLong(0), "ids are 0..n-1");
            assertEquals(i < 5 ? 0 : i < 8 ? 1 : 2, r.getInt(1), "class order, then archive order, id " + i);
            assertEquals(-1, r.getInt(2));
            try (Mat m = NativeImageDecoder.decodeBgr((byte[]) r.get(3))) {
                assertEquals(SHORTER_SIDE, Math.min(m.cols(), m.rows()));
                assertEquals(32, m.cols());
            }
        }
        assertEquals(List.of(2, 0, 1, 0), rows(out.resolve("val")).stream().map(r -> r.getInt(1)).toList());
        assertNoStaging(out);

        // the same input prepared again gives the same rows, bit for bit
        Path again = dir.resolve("again");
        ImagenetPreparation.run(SharedSpark.get(), options(train, val, labels, again));
        List<Row> second = rows(again.resolve("train"));
        for (int i = 0; i < rows.size(); i++) {
            assertEquals(rows.get(i).getInt(1), second.get(i).getInt(1));
            assertArrayEquals((byte[]) rows.get(i).get(3), (byte[]) second.get(i).get(3), "id " + i);
        }
    }

    @Test
    void directoryTreesWithDevkitGroundTruthAndMetaMat() throws IOException {
        Path train = dir.resolve("train");
        for (String wnid : List.of(TENCH, GOLDFISH, SHARK)) {
            for (int i = 0; i < 2; i++) {
                write(train.resolve(wnid).resolve(wnid + "_" + i + ".JPEG"), jpeg(wnid.hashCode() + i));
            }
        }
        write(train.resolve("notes/readme.JPEG"), jpeg(1));
        write(train.resolve("n09999999/x.JPEG"), jpeg(2)); // a wnid, but not a class of meta.mat
        write(train.resolve("stray.JPEG"), jpeg(3));
        write(train.resolve(TENCH + "/.DS_Store"), new byte[] {1, 2, 3}); // hidden: not read at all
        Path val = dir.resolve("val");
        for (int i = 1; i <= 4; i++) {
            write(val.resolve(String.format("ILSVRC2012_val_%08d.JPEG", i)), jpeg(200 + i));
        }
        Path devkit = dir.resolve("ILSVRC2012_devkit_t12");
        write(devkit.resolve("data/" + LabelFiles.GROUND_TRUTH),
                LabelFilesTest.GROUND_TRUTH.getBytes(StandardCharsets.US_ASCII));
        write(devkit.resolve("data/" + LabelFiles.META), LabelFilesTest.metaMat());
        Path out = dir.resolve("out");

        PreparationResult result = ImagenetPreparation.run(SharedSpark.get(), options(train, val, devkit, out));

        SplitCounts t = result.split("train");
        assertEquals(List.of(9L, 6L, 3L), List.of(t.read(), t.written(), t.quarantined()));
        JsonNode manifest = JSON.readTree(out.resolve("manifest.json").toFile());
        assertEquals(List.of("tench, Tinca tinca", "goldfish, Carassius auratus", "great white shark, white shark"),
                strings(manifest.get("classes")));
        List<JsonNode> report = quarantine(out);
        assertReason(report, "train", "notes/readme.JPEG", "not a WordNet id");
        assertReason(report, "train", "n09999999/x.JPEG", "not one of the classification classes");
        assertReason(report, "train", "stray.JPEG", "not inside a class folder");
        // ground truth 3,1,2,1 = shark, tench, goldfish, tench = class 2, 0, 1, 0
        assertEquals(List.of(2, 0, 1, 0), rows(out.resolve("val")).stream().map(r -> r.getInt(1)).toList());
    }

    @Test
    void anyFolderPerClassDatasetWithAnUnknownValFolder() throws IOException {
        Path train = dir.resolve("train");
        Path val = dir.resolve("val");
        for (String c : List.of("dog", "cat")) {
            write(train.resolve(c).resolve("1.jpg"), jpeg(c.hashCode()));
            write(train.resolve(c).resolve("2.png"), ImageFixtures.png(30, 30, c.hashCode()));
            write(val.resolve(c).resolve("3.jpg"), jpeg(c.hashCode() + 3));
        }
        write(val.resolve("bird/4.jpg"), jpeg(4));
        Path out = dir.resolve("out");

        PreparationResult result = ImagenetPreparation.run(SharedSpark.get(),
                options(train, val, null, out).withLayout(ImagenetPreparationOptions.Layout.FOLDER));

        assertEquals(List.of(4L, 4L, 0L), List.of(result.split("train").read(), result.split("train").written(),
                result.split("train").quarantined()));
        assertEquals(List.of(3L, 2L, 1L), List.of(result.split("val").read(), result.split("val").written(),
                result.split("val").quarantined()));
        JsonNode manifest = JSON.readTree(out.resolve("manifest.json").toFile());
        assertEquals("folder", manifest.get("source").asText());
        assertEquals(List.of("cat", "dog"), strings(manifest.get("classes")));
        assertFalse(manifest.has("classIds"), "folder names are the classes; there are no separate ids");
        assertReason(quarantine(out), "val", "bird/4.jpg", "unknown class folder 'bird'");
    }

    @Test
    void tooManyBadFilesFailsClearlyAndPublishesNoDataset() throws IOException {
        Path train = dir.resolve("train");
        write(train.resolve(TENCH + "/a.JPEG"), jpeg(1));
        write(train.resolve(TENCH + "/b.JPEG"), jpeg(2));
        write(train.resolve(GOLDFISH + "/c.JPEG"), new byte[0]);
        write(train.resolve(GOLDFISH + "/d.JPEG"), ImageFixtures.truncated(jpeg(3)));
        Path out = dir.resolve("out");
        ImagenetPreparationOptions strict = options(train, null, null, out).withLimits(0.25, 1 << 20);

        InputDataException e = assertThrows(InputDataException.class,
                () -> ImagenetPreparation.run(SharedSpark.get(), strict));

        assertTrue(e.getMessage().contains("2 of 4 train files (50.000%) were quarantined, more than "
                + "--max-bad-fraction 0.25"), e.getMessage());
        assertTrue(e.getMessage().contains("quarantine.jsonl") && e.getMessage().contains("Nothing was published"));
        assertFalse(Files.exists(out.resolve("manifest.json")));
        assertFalse(Files.exists(out.resolve("train")));
        assertEquals(2, quarantine(out).size(), "the report is kept for the user");
        assertNoStaging(out);

        // the output is still free: a run with a looser limit succeeds there
        ImagenetPreparation.run(SharedSpark.get(), strict.withLimits(0.5, 1 << 20));
        assertTrue(Files.exists(out.resolve("manifest.json")));
        DatasetManifest trainOnly = DatasetManifest.load(out.toString(), new Configuration());
        assertEquals(java.util.Set.of(DatasetLayout.TRAIN), trainOnly.splits().keySet());
        assertEquals(null, trainOnly.evaluationSplit(), "nothing to evaluate on");
        InputDataException taken = assertThrows(InputDataException.class,
                () -> ImagenetPreparation.run(SharedSpark.get(), strict.withLimits(0.5, 1 << 20)));
        assertTrue(taken.getMessage().contains("already holds manifest.json"), taken.getMessage());
    }

    @Test
    void missingInputsAreNamed() {
        Path out = dir.resolve("out");
        InputDataException e = assertThrows(InputDataException.class, () -> ImagenetPreparation.run(
                SharedSpark.get(), options(dir.resolve("nope.tar"), null, null, out)));
        assertTrue(e.getMessage().contains("--train") && e.getMessage().contains("nope.tar"), e.getMessage());
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static List<JsonNode> quarantine(Path out) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("quarantine.jsonl"))) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    private static void assertReason(List<JsonNode> report, String split, String pathSuffix, String reason) {
        boolean found = report.stream().anyMatch(n -> n.get("split").asText().equals(split)
                && n.get("path").asText().endsWith(pathSuffix) && n.get("reason").asText().contains(reason));
        assertTrue(found, "no " + split + " entry for *" + pathSuffix + " with '" + reason + "' in " + report);
    }

    private static List<Row> rows(Path split) {
        return SharedSpark.get().read().parquet(split.toString()).orderBy("id").collectAsList();
    }

    private static void assertNoStaging(Path out) throws IOException {
        try (Stream<Path> files = Files.list(out)) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.stream().noneMatch(n -> n.startsWith("_")), names.toString());
        }
    }
}
