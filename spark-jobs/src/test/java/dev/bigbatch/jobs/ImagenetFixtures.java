package dev.bigbatch.jobs;

import dev.bigbatch.data.image.NativeImageDecoder;
import dev.bigbatch.data.io.TarFixtures;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

/**
 * Tiny ImageNet-layout inputs: {@code ILSVRC2012_img_train.tar} (a tar of per-class {@code <wnid>.tar}s of JPEGs),
 * {@code ILSVRC2012_img_val.tar} (flat JPEGs) and {@code LOC_val_solution.csv}. Class k is a noisy image of its own
 * colour, with a different size per image, so a small CNN separates the classes and the pipeline sees varying sizes.
 * The archives are written by data-prep's {@link TarFixtures} (its test jar).
 */
public final class ImagenetFixtures {
    /** Real WordNet ids of ILSVRC2012 classes 0, 1 and 2 (tench, goldfish, great white shark). */
    public static final List<String> WNIDS = List.of("n01440764", "n01443537", "n01484850");
    private static final int[][] COLOURS = {{220, 40, 40}, {40, 200, 60}, {50, 60, 230}};

    private ImagenetFixtures() {
    }

    /** A JPEG of class {@code label}: its RGB colour plus uniform noise of ±24, {@code width} x {@code height}. */
    public static byte[] jpeg(int label, int width, int height, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] rgb = COLOURS[label % COLOURS.length];
        try (Mat m = new Mat(height, width, CV_8UC3); UByteIndexer ix = m.createIndexer()) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    for (int c = 0; c < 3; c++) {
                        int v = rgb[2 - c] + rng.nextInt(49) - 24; // OpenCV stores BGR
                        ix.put(y, x, c, Math.max(0, Math.min(255, v)));
                    }
                }
            }
            return NativeImageDecoder.encodeJpeg(m, 90);
        }
    }

    /** The train archive: {@code perClass} images of each of the first {@code classes} classes. */
    public static byte[] trainTar(int classes, int perClass, long seed) {
        Map<String, byte[]> outer = new LinkedHashMap<>();
        for (int k = 0; k < classes; k++) {
            Map<String, byte[]> inner = new LinkedHashMap<>();
            for (int i = 0; i < perClass; i++) {
                inner.put(WNIDS.get(k) + "_" + (i + 1) + ".JPEG", jpeg(k, 28 + 3 * i, 24 + 2 * (i % 3), seed + 31L * k + i));
            }
            outer.put(WNIDS.get(k) + ".tar", TarFixtures.tar(inner));
        }
        return TarFixtures.tar(outer);
    }

    /** The val archive: image n (from 1) has class {@code (n − 1) mod classes}. */
    public static byte[] valTar(int classes, int count, long seed) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (int n = 1; n <= count; n++) {
            files.put(valName(n) + ".JPEG", jpeg((n - 1) % classes, 30, 26, seed + n));
        }
        return TarFixtures.tar(files);
    }

    /** {@code LOC_val_solution.csv} for {@link #valTar}. */
    public static String valLabels(int classes, int count) {
        StringBuilder sb = new StringBuilder("ImageId,PredictionString\n");
        for (int n = 1; n <= count; n++) {
            sb.append(valName(n)).append(',').append(WNIDS.get((n - 1) % classes)).append(" 1 1 20 20\n");
        }
        return sb.toString();
    }

    private static String valName(int n) {
        return String.format("ILSVRC2012_val_%08d", n);
    }
}
