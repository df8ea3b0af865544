package dev.bigbatch.data.image;

import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_PROGRESSIVE;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class JpegStructureTest {

    @Test
    void completeColourJpegHasThreeComponentsAndItsSize() {
        JpegStructure s = JpegStructure.parse(ImageFixtures.jpeg(50, 30, 1));
        assertEquals(new JpegStructure(50, 30, 3, false, true), s);
    }

    @Test
    void grayscaleAndCmykAreToldApart() {
        assertEquals(1, JpegStructure.parse(ImageFixtures.grayscaleJpeg(20, 10)).components());
        JpegStructure cmyk = JpegStructure.parse(ImageFixtures.cmykJpeg(20, 10));
        assertEquals(4, cmyk.components());
        assertTrue(cmyk.complete());
    }

    @Test
    void everyTruncationBeforeEoiIsIncomplete() {
        byte[] jpeg = ImageFixtures.jpeg(40, 40, 2);
        for (int length = 4; length < jpeg.length - 1; length += 7) {
            JpegStructure s = JpegStructure.parse(Arrays.copyOf(jpeg, length));
            assertFalse(s.complete(), "cut at " + length + " of " + jpeg.length);
        }
        assertFalse(JpegStructure.parse(Arrays.copyOf(jpeg, jpeg.length - 1)).complete(), "EOI cut in half");
        assertFalse(JpegStructure.parse(Arrays.copyOf(jpeg, jpeg.length - 2)).complete(), "EOI missing");
    }

    @Test
    void bytesAfterEoiAreIgnored() {
        byte[] jpeg = ImageFixtures.jpeg(16, 16, 3);
        byte[] padded = Arrays.copyOf(jpeg, jpeg.length + 100);
        Arrays.fill(padded, jpeg.length, padded.length, (byte) 0x55);
        assertTrue(JpegStructure.parse(padded).complete());
    }

    @Test
    void progressiveJpegIsWalkedThroughAllScans() {
        byte[] bytes;
        try (Mat m = ImageFixtures.colour(64, 48, 4); BytePointer out = new BytePointer();
             IntPointer params = new IntPointer(IMWRITE_JPEG_QUALITY, 90, IMWRITE_JPEG_PROGRESSIVE, 1)) {
            imencode(".jpg", m, out, params);
            bytes = new byte[(int) out.limit()];
            out.get(bytes);
        }
        JpegStructure s = JpegStructure.parse(bytes);
        assertTrue(s.progressive());
        assertTrue(s.complete());
        assertFalse(JpegStructure.parse(Arrays.copyOf(bytes, bytes.length * 3 / 4)).complete());
    }

    @Test
    void nonJpegAndImpossibleSegmentsAreRejected() {
        ImageDecodeException png = assertThrows(ImageDecodeException.class,
                () -> JpegStructure.parse(ImageFixtures.png(8, 8, 5)));
        assertTrue(png.getMessage().contains("no SOI"), png.getMessage());
        byte[] badLength = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 1, 0, 0};
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> JpegStructure.parse(badLength));
        assertTrue(e.getMessage().contains("segment length 1 at byte 4"), e.getMessage());
    }
}
