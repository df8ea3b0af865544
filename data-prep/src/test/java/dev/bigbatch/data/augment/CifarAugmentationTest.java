package dev.bigbatch.data.augment;

import dev.bigbatch.data.dataset.DatasetLayout;
import dev.bigbatch.data.dataset.DatasetManifest;
import dev.bigbatch.data.dataset.SplitSummary;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CifarAugmentationTest {
    private static final double[] MEAN = {0.49, 0.48, 0.45};
    private static final double[] STD = {0.25, 0.24, 0.26};
    /** Float rounding of (p/255 - mean)/std, |value| < 5: a few ulps. */
    private static final float TOLERANCE = 1e-6f;

    private final CifarAugmentation aug = new CifarAugmentation(MEAN, STD);

    private static byte[] image(long seed) {
        byte[] b = new byte[3072];
        new SplittableRandom(seed).nextBytes(b);
        return b;
    }

    /** The reference: build the zero-padded 40x40 image, crop at (dy, dx), flip, then normalise. */
    private static float[] reference(byte[] image, int dy, int dx, boolean flip) {
        int[][][] padded = new int[3][40][40];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    padded[c][y + 4][x + 4] = image[c * 1024 + y * 32 + x] & 0xFF;
                }
            }
        }
        float[] out = new float[3072];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 32; y++) {
                for (int x = 0; x < 32; x++) {
                    int crop = padded[c][y + dy][(flip ? 31 - x : x) + dx];
                    out[c * 1024 + y * 32 + x] = (float) ((crop / 255.0 - MEAN[c]) / STD[c]);
                }
            }
        }
        return out;
    }

    @Test
    void evalIsNormalisationOnly() {
        byte[] img = image(1);
        assertArrayEquals(reference(img, 4, 4, false), aug.eval(img), TOLERANCE);
        byte[] all = new byte[3072];
        for (int i = 0; i < 3072; i++) {
            all[i] = (byte) i;
        }
        float[] out = aug.eval(all);
        assertEquals((0 - 0.49) / 0.25, out[0], TOLERANCE);
        assertEquals((255 / 255.0 - 0.49) / 0.25, out[255], TOLERANCE);
        assertEquals((1 / 255.0 - 0.48) / 0.24, out[1025], TOLERANCE);
        assertEquals((128 / 255.0 - 0.45) / 0.26, out[2048 + 128], TOLERANCE);
    }

    @Test
    void cropAndFlipMatchTheHandReferenceEverywhere() {
        byte[] img = image(2);
        float[] out = new float[3072];
        for (int dy = 0; dy <= 8; dy++) {
            for (int dx = 0; dx <= 8; dx++) {
                for (boolean flip : new boolean[]{false, true}) {
                    aug.cropFlip(img, dy, dx, flip, out, 0);
                    assertArrayEquals(reference(img, dy, dx, flip), out, TOLERANCE, dy + "," + dx + "," + flip);
                }
            }
        }
    }

    @Test
    void paddingIsBlackBeforeNormalisation() {
        float[] out = new float[3072];
        aug.cropFlip(image(3), 0, 0, false, out, 0);
        for (int c = 0; c < 3; c++) {
            float black = (float) (-MEAN[c] / STD[c]);
            assertEquals(black, out[c * 1024], TOLERANCE, "top-left corner is padding");
            assertEquals(black, out[c * 1024 + 3 * 32 + 31], TOLERANCE, "row 3 is padding");
            assertEquals(black, out[c * 1024 + 31 * 32 + 3], TOLERANCE, "column 3 is padding");
            assertNotEquals(0f, black);
        }
    }

    @Test
    void trainDrawsCropThenFlipFromTheSeedInTheDocumentedOrder() {
        byte[] img = image(4);
        for (long seed = 0; seed < 20; seed++) {
            SplittableRandom r = new SplittableRandom(seed);
            int dy = r.nextInt(9);
            int dx = r.nextInt(9);
            boolean flip = r.nextBoolean();
            assertArrayEquals(reference(img, dy, dx, flip), aug.train(img, seed), TOLERANCE, "seed " + seed);
        }
    }

    @Test
    void deterministicBySeedAndCoversEveryCropAndBothFlips() {
        byte[] img = image(5);
        assertArrayEquals(aug.train(img, 77), aug.train(img, 77));
        // An image whose red value is row + 1 and green value column + 1, read back without normalisation, tells
        // which crop and flip each seed produced.
        byte[] position = new byte[3072];
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                position[y * 32 + x] = (byte) (y + 1);
                position[1024 + y * 32 + x] = (byte) (x + 1);
            }
        }
        CifarAugmentation identity = new CifarAugmentation(new double[3], new double[]{1 / 255.0, 1 / 255.0,
                1 / 255.0});
        Set<List<Integer>> crops = new HashSet<>();
        int flips = 0;
        for (long seed = 0; seed < 2000; seed++) {
            float[] out = identity.train(position, seed);
            int row = Math.round(out[16 * 32 + 16]) - 1;
            int column = Math.round(out[1024 + 16 * 32 + 16]) - 1;
            boolean flip = out[1024 + 16 * 32 + 17] < out[1024 + 16 * 32 + 16];
            flips += flip ? 1 : 0;
            crops.add(List.of(row - 16 + 4, column - (flip ? 15 : 16) + 4));
        }
        assertEquals(81, crops.size(), "every offset 0..8 x 0..8 occurs");
        assertTrue(crops.stream().allMatch(c -> c.get(0) >= 0 && c.get(0) <= 8 && c.get(1) >= 0 && c.get(1) <= 8));
        // Binomial(2000, 1/2): 1000 +- 22 (one sd); the bounds are 4.5 sd, for these fixed seeds.
        assertTrue(flips > 900 && flips < 1100, "flips " + flips);
    }

    @Test
    void writesAtAnOffsetAndNowhereElse() {
        byte[] img = image(6);
        float[] big = new float[3 * 3072];
        Arrays.fill(big, Float.NaN);
        aug.train(img, 9, big, 3072);
        aug.eval(img, big, 0);
        assertArrayEquals(aug.eval(img), Arrays.copyOfRange(big, 0, 3072));
        assertArrayEquals(aug.train(img, 9), Arrays.copyOfRange(big, 3072, 6144));
        for (int i = 6144; i < big.length; i++) {
            assertTrue(Float.isNaN(big[i]));
        }
        assertThrows(IllegalArgumentException.class, () -> aug.eval(img, big, 2 * 3072 + 1));
        assertThrows(IllegalArgumentException.class, () -> aug.eval(new byte[3071]));
    }


    @Test
    void fromManifestUsesItsStatisticsAndRefusesOtherEncodings() {
        Map<String, SplitSummary> splits = Map.of("train", new SplitSummary(1, List.of(1L)),
                "test", new SplitSummary(0, List.of(0L)));
        DatasetManifest m = new DatasetManifest(DatasetManifest.FORMAT, 1, "cifar-10",
                DatasetLayout.ENCODING_RAW_U8_CHW, 32, 32, 3, List.of("a"), null, null, splits,
                List.of(MEAN[0], MEAN[1], MEAN[2]), List.of(STD[0], STD[1], STD[2]), "test");
        byte[] img = image(7);
        assertArrayEquals(aug.eval(img), CifarAugmentation.of(m).eval(img));
        DatasetManifest jpeg = new DatasetManifest(DatasetManifest.FORMAT, 1, "imagenet",
                DatasetLayout.ENCODING_JPEG, 224, 224, 3, List.of("a"), null, null, splits, m.mean(), m.std(), "test");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CifarAugmentation.of(jpeg));
        assertTrue(e.getMessage().contains("jpeg"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new CifarAugmentation(MEAN, new double[]{1, 0, 1}));
        assertFalse(Float.isNaN(aug.eval(img)[0]));
    }

    @Test
    void survivesJavaSerialisationForSparkTasks() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(aug);
        }
        assertTrue(bytes.size() < 8192, "small enough for a closure: " + bytes.size());
        CifarAugmentation copy;
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (CifarAugmentation) in.readObject();
        }
        byte[] img = image(8);
        assertArrayEquals(aug.train(img, 3), copy.train(img, 3));
    }
}
