package dev.bigbatch.data.imagenet;

import dev.bigbatch.data.image.ImageFixtures;
import dev.bigbatch.data.io.TarFixtures;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Tiny ImageNet-shaped inputs on local disk: a train tar of per-class tars, a flat val tar, directory trees. */
final class DatasetTrees {

    static final String TENCH = "n01440764";
    static final String GOLDFISH = "n01443537";
    static final String SHARK = "n01484850";
    static final int WIDTH = 48;
    static final int HEIGHT = 36;

    private DatasetTrees() {
    }

    static byte[] jpeg(int seed) {
        return ImageFixtures.jpeg(WIDTH, HEIGHT, seed);
    }

    /**
     * Train tar: tench 3 good + grayscale + CMYK; goldfish 2 good + PNG named .JPEG + truncated + empty;
     * shark 3 good; misc.tar (not a wnid) 2 good. Read 15, quarantined 4 (truncated, empty, 2 unknown class).
     */
    static Map<String, byte[]> trainArchives() {
        Map<String, byte[]> outer = new LinkedHashMap<>();
        Map<String, byte[]> tench = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            tench.put(TENCH + "_" + i + ".JPEG", jpeg(i));
        }
        tench.put(TENCH + "_gray.JPEG", ImageFixtures.grayscaleJpeg(WIDTH, HEIGHT));
        tench.put(TENCH + "_cmyk.JPEG", ImageFixtures.cmykJpeg(WIDTH, HEIGHT));
        Map<String, byte[]> goldfish = new LinkedHashMap<>();
        goldfish.put(GOLDFISH + "_0.JPEG", jpeg(10));
        goldfish.put(GOLDFISH + "_1.JPEG", jpeg(11));
        goldfish.put(GOLDFISH + "_png.JPEG", ImageFixtures.png(WIDTH, HEIGHT, 12));
        goldfish.put(GOLDFISH + "_cut.JPEG", ImageFixtures.truncated(jpeg(13)));
        goldfish.put(GOLDFISH + "_empty.JPEG", new byte[0]);
        Map<String, byte[]> shark = new LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            shark.put(SHARK + "_" + i + ".JPEG", jpeg(20 + i));
        }
        Map<String, byte[]> misc = Map.of("a.JPEG", jpeg(30), "b.JPEG", jpeg(31));
        outer.put(SHARK + ".tar", TarFixtures.tar(shark)); // archive order is not class order
        outer.put(TENCH + ".tar", TarFixtures.tar(tench));
        outer.put("misc.tar", TarFixtures.tar(misc));
        outer.put(GOLDFISH + ".tar", TarFixtures.tar(goldfish));
        return outer;
    }

    /** Flat val tar of 6 images; LOC labels: 1 shark, 2 tench, 3 goldfish, 4 tench, 5 a non-class, 6 none. */
    static Map<String, byte[]> valImages() {
        Map<String, byte[]> val = new LinkedHashMap<>();
        for (int i = 1; i <= 6; i++) {
            val.put(String.format("ILSVRC2012_val_%08d.JPEG", i), jpeg(100 + i));
        }
        return val;
    }

    static final String VAL_LOC_CSV = "ImageId,PredictionString\n"
            + "ILSVRC2012_val_00000001," + SHARK + " 1 2 3 4\n"
            + "ILSVRC2012_val_00000002," + TENCH + " 1 2 3 4\n"
            + "ILSVRC2012_val_00000003," + GOLDFISH + " 1 2 3 4\n"
            + "ILSVRC2012_val_00000004," + TENCH + " 1 2 3 4\n"
            + "ILSVRC2012_val_00000005,n01440000 1 2 3 4\n";

    static Path write(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
