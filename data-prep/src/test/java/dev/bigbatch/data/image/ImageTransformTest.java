package dev.bigbatch.data.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.junit.jupiter.api.Test;

class ImageTransformTest {

    private static final ChannelNormalization NORM = ChannelNormalization.IMAGENET;

    @Test
    void uniformImageNormalizesEachChannelInRgbOrder() {
        try (Mat bgr = ImageFixtures.uniform(300, 200, 10, 20, 30)) {
            float[] out = RandomResizedCropTransform.standard(NORM).apply(bgr, 5);
            int plane = 224 * 224;
            assertEquals(3 * plane, out.length);
            double[] rgb = {30, 20, 10};
            double[] mean = NORM.mean();
            double[] std = NORM.std();
            for (int c = 0; c < 3; c++) {
                double expected = (rgb[c] / 255.0 - mean[c]) / std[c];
                for (int i = c * plane; i < (c + 1) * plane; i++) {
                    assertEquals(expected, out[i], 1e-5, "channel " + c); // float rounding of the folded constants
                }
            }
        }
    }

    @Test
    void trainingTransformIsTheDrawnCropResizedMirroredAndNormalized() {
        RandomResizedCropTransform t = RandomResizedCropTransform.standard(NORM);
        try (Mat bgr = ImageFixtures.colour(500, 375, 9)) {
            int mirrored = 0;
            for (long seed = 0; seed < 12; seed++) {
                RandomResizedCropTransform.Draw draw = t.draw(500, 375, seed);
                mirrored += draw.mirrored() ? 1 : 0;
                float[] expected = reference(bgr, draw.box(), draw.mirrored());
                // the transform folds 1/(255 std) and -mean/std into float constants; the reference works in double.
                // Observed differences are below 1e-6; 1e-5 leaves room without hiding a wrong pixel (>= 0.017).
                assertArrayEquals(expected, t.apply(bgr, seed), 1e-5f, "seed " + seed);
            }
            assertTrue(mirrored > 0 && mirrored < 12, mirrored + " of 12 mirrored");
        }
    }

    @Test
    void sameSeedSameTensorDifferentSeedDifferentTensor() {
        RandomResizedCropTransform t = RandomResizedCropTransform.standard(NORM);
        try (Mat bgr = ImageFixtures.colour(120, 90, 3)) {
            assertArrayEquals(t.apply(bgr, 77), t.apply(bgr, 77));
            assertFalse(Arrays.equals(t.apply(bgr, 77), t.apply(bgr, 78)));
        }
    }

    @Test
    void evaluationTransformTakesTheCentralWindowAfterResizing() {
        // 341x256 already has shorter side 256, so the resize is the identity and the window is exact:
        // left = round_half_even((341 - 224) / 2) = round(58.5) = 58, top = (256 - 224) / 2 = 16
        CenterCropTransform t = CenterCropTransform.standard(NORM);
        assertEquals(new CropBox(58, 16, 224, 224), t.centralBox(341, 256));
        try (Mat bgr = coordinates(341, 256)) {
            float[] out = t.apply(bgr, 0);
            float[] expected = reference(bgr, new CropBox(58, 16, 224, 224), false);
            assertArrayEquals(expected, out, 1e-5f); // float constants vs double reference, as above
        }
        assertArrayEquals(new int[] {341, 256}, ImageResizer.shorterSideSize(500, 375, 256));
        assertArrayEquals(new int[] {256, 341}, ImageResizer.shorterSideSize(375, 500, 256));
    }

    @Test
    void evaluationIgnoresTheSeed() {
        CenterCropTransform t = CenterCropTransform.standard(NORM);
        try (Mat bgr = ImageFixtures.colour(500, 375, 1)) {
            assertArrayEquals(t.apply(bgr, 1), t.apply(bgr, 2));
        }
    }

    /** An image whose pixels encode their coordinates: B = x, G = y, R = x + y (mod 256). */
    private static Mat coordinates(int width, int height) {
        Mat m = new Mat(height, width, CV_8UC3);
        try (UByteIndexer ix = m.createIndexer()) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    ix.put(y, x, 0, x & 0xFF);
                    ix.put(y, x, 1, y & 0xFF);
                    ix.put(y, x, 2, (x + y) & 0xFF);
                }
            }
        }
        return m;
    }

    /** Crop, resize to 224 (if needed), mirror and normalize, pixel by pixel through an indexer, in double. */
    private static float[] reference(Mat bgr, CropBox box, boolean mirror) {
        int size = 224;
        try (Rect r = new Rect(box.x(), box.y(), box.width(), box.height()); Mat view = new Mat(bgr, r);
             Mat resized = ImageResizer.resize(view, size, size); UByteIndexer ix = resized.createIndexer()) {
            float[] out = new float[3 * size * size];
            double[] mean = NORM.mean();
            double[] std = NORM.std();
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    int sourceX = mirror ? size - 1 - x : x;
                    for (int c = 0; c < 3; c++) { // c is the RGB channel; OpenCV stores BGR
                        double v = ix.get(y, sourceX, 2 - c) / 255.0;
                        out[c * size * size + y * size + x] = (float) ((v - mean[c]) / std[c]);
                    }
                }
            }
            return out;
        }
    }
}
