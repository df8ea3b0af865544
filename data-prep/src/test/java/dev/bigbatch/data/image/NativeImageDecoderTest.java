package dev.bigbatch.data.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class NativeImageDecoderTest {

    @Test
    void colourJpegDecodesToBgrOfItsSize() {
        try (Mat m = NativeImageDecoder.decodeBgr(ImageFixtures.jpeg(50, 30, 1))) {
            assertEquals(50, m.cols());
            assertEquals(30, m.rows());
            assertEquals(CV_8UC3, m.type());
        }
    }

    @Test
    void pngRoundTripsExactly() {
        try (Mat original = ImageFixtures.colour(17, 9, 2);
             Mat decoded = NativeImageDecoder.decodeBgr(NativeImageDecoder.encodePng(original))) {
            assertArrayEquals(NormalizedChw.pixels(original), NormalizedChw.pixels(decoded));
        }
    }

    @Test
    void grayscaleJpegBecomesThreeEqualChannels() {
        try (Mat m = NativeImageDecoder.decodeBgr(ImageFixtures.grayscaleJpeg(20, 10));
             UByteIndexer ix = m.createIndexer()) {
            assertEquals(CV_8UC3, m.type());
            for (int y = 0; y < 10; y++) {
                for (int x = 0; x < 20; x++) {
                    assertEquals(ix.get(y, x, 0), ix.get(y, x, 1));
                    assertEquals(ix.get(y, x, 0), ix.get(y, x, 2));
                }
            }
        }
    }

    @Test
    void cmykJpegBecomesBgr() {
        try (Mat m = NativeImageDecoder.decodeBgr(ImageFixtures.cmykJpeg(20, 10))) {
            assertEquals(CV_8UC3, m.type());
            assertEquals(20, m.cols());
        }
    }

    @Test
    void emptyAndGarbageBytesThrowWithAReason() {
        assertTrue(assertThrows(ImageDecodeException.class, () -> NativeImageDecoder.decodeBgr(new byte[0]))
                .getMessage().contains("empty"));
        byte[] junk = new byte[500];
        new SplittableRandom(3).nextBytes(junk);
        ImageDecodeException e = assertThrows(ImageDecodeException.class, () -> NativeImageDecoder.decodeBgr(junk));
        assertTrue(e.getMessage().contains("undecodable UNKNOWN data (500 bytes)"), e.getMessage());
    }

    @Test
    void formatsAreSniffedFromMagicBytes() {
        assertEquals(ImageFormat.JPEG, ImageFormat.sniff(ImageFixtures.jpeg(8, 8, 1)));
        assertEquals(ImageFormat.PNG, ImageFormat.sniff(ImageFixtures.png(8, 8, 1)));
        assertEquals(ImageFormat.GIF, ImageFormat.sniff("GIF89a....".getBytes()));
        assertEquals(ImageFormat.UNKNOWN, ImageFormat.sniff(new byte[0]));
    }
}
