package dev.bigbatch.data.imagenet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bigbatch.data.image.ImageFixtures;
import dev.bigbatch.data.image.ImageFormat;
import dev.bigbatch.data.image.JpegStructure;
import dev.bigbatch.data.image.NativeImageDecoder;
import java.util.SplittableRandom;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

class ImageConverterTest {

    private final ImageConverter converter = new ImageConverter(320, 90);

    private ImageOutcome.Converted converted(byte[] bytes) {
        return assertInstanceOf(ImageOutcome.Converted.class, converter.convert("f.JPEG", 3, bytes));
    }

    private String quarantineReason(byte[] bytes) {
        return assertInstanceOf(ImageOutcome.Quarantined.class, converter.convert("f.JPEG", 3, bytes)).reason();
    }

    @Test
    void largeImagesAreDownscaledToTheShorterSideAndReencodedAsColourJpeg() {
        ImageOutcome.Converted c = converted(ImageFixtures.jpeg(500, 375, 1));
        assertEquals(426, c.width()); // (int) (320 * 500 / 375)
        assertEquals(320, c.height());
        assertNull(c.conversion());
        assertEquals(3, c.label());
        JpegStructure s = JpegStructure.parse(c.jpeg());
        assertEquals(new JpegStructure(426, 320, 3, false, true), s);
    }

    @Test
    void smallImagesAreNotEnlarged() {
        ImageOutcome.Converted c = converted(ImageFixtures.jpeg(200, 100, 2));
        assertEquals(200, c.width());
        assertEquals(100, c.height());
    }

    @Test
    void grayscaleCmykAndPngAreConvertedAndCounted() {
        ImageOutcome.Converted gray = converted(ImageFixtures.grayscaleJpeg(40, 30));
        assertEquals(ImageConverter.GRAYSCALE, gray.conversion());
        assertEquals(3, JpegStructure.parse(gray.jpeg()).components());
        ImageOutcome.Converted cmyk = converted(ImageFixtures.cmykJpeg(40, 30));
        assertEquals(ImageConverter.CMYK, cmyk.conversion());
        assertEquals(3, JpegStructure.parse(cmyk.jpeg()).components());
        ImageOutcome.Converted png = converted(ImageFixtures.png(40, 30, 3));
        assertEquals("PNG content -> JPEG", png.conversion());
        assertEquals(ImageFormat.JPEG, ImageFormat.sniff(png.jpeg()));
    }

    @Test
    void emptyTruncatedAndUndecodableFilesAreQuarantinedWithReasons() {
        assertEquals("empty file (0 bytes)", quarantineReason(new byte[0]));
        byte[] jpeg = ImageFixtures.jpeg(64, 48, 4);
        assertTrue(quarantineReason(ImageFixtures.truncated(jpeg)).startsWith("truncated JPEG"));
        byte[] junk = new byte[2000];
        new SplittableRandom(5).nextBytes(junk);
        junk[0] = 0x11;
        assertTrue(quarantineReason(junk).startsWith("undecodable UNKNOWN data"), quarantineReason(junk));
    }

    @Test
    void channelMomentsAreExactForAUniformImage() {
        byte[] png;
        try (Mat m = ImageFixtures.uniform(10, 4, 30, 60, 90)) {
            png = NativeImageDecoder.encodePng(m);
        }
        ImageOutcome.Converted c = assertInstanceOf(ImageOutcome.Converted.class,
                new ImageConverter(0, 100).convert("u.png", 0, png));
        assertEquals(40, c.pixels());
        double[] rgb = {90, 60, 30};
        for (int ch = 0; ch < 3; ch++) {
            assertEquals(40 * rgb[ch], c.channelSum()[ch], 1e-9);
            assertEquals(40 * rgb[ch] * rgb[ch], c.channelSumSquares()[ch], 1e-6);
        }
    }
}
