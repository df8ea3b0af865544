package dev.bigbatch.data.imagenet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigbatch.data.io.TarFixtures;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelFilesTest {

    @TempDir
    java.nio.file.Path dir;

    static final String GROUND_TRUTH = "3\n1\n2\n1\n";
    static final String LOC_CSV = "ImageId,PredictionString\n"
            + "ILSVRC2012_val_00000001,n01484850 10 20 30 40 n01484850 1 2 3 4\n"
            + "ILSVRC2012_val_00000002,n01440764 5 5 50 50\n";

    static byte[] metaMat() {
        MatV5Writer w = new MatV5Writer(ByteOrder.LITTLE_ENDIAN);
        return w.file(true, w.synsets(MatFileReaderTest.SYNSETS));
    }

    @Test
    void groundTruthLinesMapThroughMetaMatToWnids() throws IOException {
        SynsetTable table = SynsetTable.fromMetaMat(metaMat(), "meta.mat");
        ValidationLabels labels = ValidationLabels.fromGroundTruth(
                new ByteArrayInputStream(GROUND_TRUTH.getBytes(StandardCharsets.US_ASCII)), table, "gt.txt");
        assertEquals(4, labels.size());
        assertEquals(Optional.of("n01484850"), labels.wnidOf("ILSVRC2012_val_00000001"));
        assertEquals(Optional.of("n01440764"), labels.wnidOf("ILSVRC2012_val_00000002"));
        assertEquals(Optional.of("n01443537"), labels.wnidOf("ILSVRC2012_val_00000003"));
        assertEquals(Optional.empty(), labels.wnidOf("ILSVRC2012_val_00000005"));
        InputDataException e = assertThrows(InputDataException.class, () -> ValidationLabels.fromGroundTruth(
                new ByteArrayInputStream("1\n7\n".getBytes(StandardCharsets.US_ASCII)), table, "gt.txt"));
        assertTrue(e.getMessage().contains("ILSVRC2012_ID 7"), e.getMessage());
    }

    @Test
    void locCsvTakesTheFirstWnidOfThePredictionString() throws IOException {
        ValidationLabels labels = ValidationLabels.fromLocCsv(
                new ByteArrayInputStream(LOC_CSV.getBytes(StandardCharsets.UTF_8)), "LOC_val_solution.csv");
        assertEquals(Optional.of("n01484850"), labels.wnidOf("ILSVRC2012_val_00000001"));
        assertEquals(Optional.of("n01440764"), labels.wnidOf("ILSVRC2012_val_00000002"));
        InputDataException e = assertThrows(InputDataException.class, () -> ValidationLabels.fromLocCsv(
                new ByteArrayInputStream("ImageId,PredictionString\nx,cat 1 2\n".getBytes(StandardCharsets.UTF_8)),
                "loc.csv"));
        assertTrue(e.getMessage().contains("loc.csv line 2"), e.getMessage());
        assertThrows(InputDataException.class, () -> ValidationLabels.fromLocCsv(
                new ByteArrayInputStream("id,label\n".getBytes(StandardCharsets.UTF_8)), "loc.csv"));
    }

    @Test
    void devkitDirectoryArchiveAndLoneTextFileAreFound() throws IOException {
        java.nio.file.Path devkit = dir.resolve("ILSVRC2012_devkit_t12");
        Files.createDirectories(devkit.resolve("data"));
        Files.writeString(devkit.resolve("data/" + LabelFiles.GROUND_TRUTH), GROUND_TRUTH);
        Files.write(devkit.resolve("data/" + LabelFiles.META), metaMat());
        assertLabels(load(devkit.toString(), null));

        Map<String, byte[]> members = new LinkedHashMap<>();
        members.put("ILSVRC2012_devkit_t12/data/" + LabelFiles.META, metaMat());
        members.put("ILSVRC2012_devkit_t12/data/" + LabelFiles.GROUND_TRUTH,
                GROUND_TRUTH.getBytes(StandardCharsets.US_ASCII));
        java.nio.file.Path archive = dir.resolve("ILSVRC2012_devkit_t12.tar.gz");
        Files.write(archive, TarFixtures.gzip(TarFixtures.tar(members)));
        assertLabels(load(archive.toString(), null));

        java.nio.file.Path lone = dir.resolve("lone");
        Files.createDirectories(lone);
        Files.writeString(lone.resolve(LabelFiles.GROUND_TRUTH), GROUND_TRUTH);
        InputDataException e = assertThrows(InputDataException.class,
                () -> load(lone.resolve(LabelFiles.GROUND_TRUTH).toString(), null));
        assertTrue(e.getMessage().contains("pass --meta"), e.getMessage());
        assertLabels(load(lone.resolve(LabelFiles.GROUND_TRUTH).toString(),
                devkit.resolve("data/" + LabelFiles.META).toString()));
    }

    private static void assertLabels(LabelFiles files) {
        assertEquals(Optional.of("n01484850"), files.valLabels().wnidOf("ILSVRC2012_val_00000001"));
        assertEquals("goldfish, Carassius auratus", files.synsets().namesByWnid().get("n01443537"));
    }

    private LabelFiles load(String valLabels, String meta) throws IOException {
        ImagenetPreparationOptions o = ImagenetPreparationOptions.of(dir.toString(), dir.toString(), valLabels,
                dir.resolve("out").toString()).withMetadata(meta, null);
        return LabelFiles.load(new Configuration(), o);
    }
}
