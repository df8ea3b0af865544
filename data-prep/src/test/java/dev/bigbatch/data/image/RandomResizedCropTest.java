package dev.bigbatch.data.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomResizedCropTest {

    private static final RandomResizedCrop RRC = RandomResizedCrop.DEFAULT;

    @Test
    void boxesLieInsideTheImageWithAreaAndAspectInRange() {
        int width = 500;
        int height = 375;
        for (long seed = 0; seed < 2000; seed++) {
            CropBox b = RRC.sample(width, height, new SplittableRandom(seed));
            assertTrue(b.fitsIn(width, height), b::toString);
            double area = (double) b.width() * b.height() / (width * height);
            double aspect = (double) b.width() / b.height();
            // w and h are rounded to integers, so area and aspect may leave the range by up to ~1 pixel's worth
            assertTrue(area >= 0.08 * 0.97 && area <= 1.0, "area " + area);
            assertTrue(aspect >= 0.75 * 0.97 && aspect <= 4.0 / 3 * 1.03, "aspect " + aspect);
        }
    }

    @Test
    void logAspectIsSymmetricAndAreaSpreadsOverTheRange() {
        // a large square image accepts almost every draw, so the draws show the sampling distributions
        double sumLogAspect = 0;
        double minArea = 1;
        double maxArea = 0;
        int n = 4000;
        for (long seed = 0; seed < n; seed++) {
            CropBox b = RRC.sample(4000, 4000, new SplittableRandom(seed));
            sumLogAspect += Math.log((double) b.width() / b.height());
            double area = (double) b.width() * b.height() / (4000.0 * 4000.0);
            minArea = Math.min(minArea, area);
            maxArea = Math.max(maxArea, area);
        }
        // mean of U[log 3/4, log 4/3] is 0; its sd is 0.166, so the mean of 4000 draws has sd 0.0026
        assertEquals(0.0, sumLogAspect / n, 0.01);
        assertTrue(minArea < 0.09, "smallest area " + minArea);
        assertTrue(maxArea > 0.9, "largest area " + maxArea);
    }

    @Test
    void sameSeedSameBoxDifferentSeedsDifferentBoxes() {
        CropBox a = RRC.sample(500, 375, new SplittableRandom(42));
        assertEquals(a, RRC.sample(500, 375, new SplittableRandom(42)));
        Set<CropBox> boxes = new HashSet<>();
        for (long seed = 0; seed < 50; seed++) {
            boxes.add(RRC.sample(500, 375, new SplittableRandom(seed)));
        }
        assertTrue(boxes.size() > 45, "only " + boxes.size() + " distinct boxes of 50");
    }

    @Test
    void fallbackIsTorchvisionsCentralCrop() {
        // torchvision: in_ratio < 3/4 -> w = width, h = round(w / (3/4)); > 4/3 -> h = height, w = round(h * 4/3)
        assertEquals(new CropBox(0, 10, 30, 40), RRC.centralFallback(30, 60));
        assertEquals(new CropBox(10, 0, 40, 30), RRC.centralFallback(60, 30));
        assertEquals(new CropBox(0, 0, 50, 45), RRC.centralFallback(50, 45));
        // a 1000x4 strip: no draw fits (h would need >= 4 with w <= 1000 only for tiny areas), so the fallback is used
        CropBox strip = RRC.sample(1000, 4, new SplittableRandom(7));
        assertEquals(new CropBox(497, 0, 5, 4), strip);
    }

    @Test
    void invalidRangesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new RandomResizedCrop(0, 1, 0.75, 1.33));
        assertThrows(IllegalArgumentException.class, () -> new RandomResizedCrop(0.5, 0.4, 0.75, 1.33));
        assertThrows(IllegalArgumentException.class, () -> new RandomResizedCrop(0.08, 1, 2, 1));
        assertNotEquals(RandomResizedCrop.DEFAULT, new RandomResizedCrop(0.2, 1, 0.75, 4.0 / 3));
    }
}
