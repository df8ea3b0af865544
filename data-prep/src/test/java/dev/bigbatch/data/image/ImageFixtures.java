package dev.bigbatch.data.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Generated test images. JPEG and PNG fixtures are encoded by OpenCV; the CMYK JPEG is encoded by the JDK's JPEG
 * writer (libjpeg-derived), which writes a 4-component JPEG from a 4-band raster, with an Adobe APP14 marker
 * (transform 0 = CMYK) spliced in as Photoshop writes it, as ILSVRC's 22 CMYK files have.
 */
public final class ImageFixtures {

    private ImageFixtures() {
    }

    /** A smooth BGR image with some detail: gradients plus seeded noise. Caller closes it. */
    public static Mat colour(int width, int height, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        Mat m = new Mat(height, width, CV_8UC3);
        try (UByteIndexer ix = m.createIndexer()) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    ix.put(y, x, 0, (255 * x / Math.max(1, width - 1) + random.nextInt(16)) & 0xFF);
                    ix.put(y, x, 1, (255 * y / Math.max(1, height - 1) + random.nextInt(16)) & 0xFF);
                    ix.put(y, x, 2, (128 + random.nextInt(64)) & 0xFF);
                }
            }
        }
        return m;
    }

    /** A single-colour BGR image. Caller closes it. */
    public static Mat uniform(int width, int height, int b, int g, int r) {
        Mat m = new Mat(height, width, CV_8UC3);
        try (UByteIndexer ix = m.createIndexer()) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    ix.put(y, x, 0, b);
                    ix.put(y, x, 1, g);
                    ix.put(y, x, 2, r);
                }
            }
        }
        return m;
    }

    public static byte[] jpeg(int width, int height, long seed) {
        try (Mat m = colour(width, height, seed)) {
            return NativeImageDecoder.encodeJpeg(m, 90);
        }
    }

    public static byte[] grayscaleJpeg(int width, int height) {
        try (Mat m = new Mat(height, width, CV_8UC1)) {
            try (UByteIndexer ix = m.createIndexer()) {
                for (int y = 0; y < height; y++) {
                    for (int x = 0; x < width; x++) {
                        ix.put(y, x, (x * 5 + y * 3) & 0xFF);
                    }
                }
            }
            return NativeImageDecoder.encodeJpeg(m, 90);
        }
    }

    public static byte[] png(int width, int height, long seed) {
        try (Mat m = colour(width, height, seed)) {
            return NativeImageDecoder.encodePng(m);
        }
    }

    /** The first 60% of a JPEG: cut inside the entropy-coded data, no EOI. */
    public static byte[] truncated(byte[] jpeg) {
        return Arrays.copyOf(jpeg, jpeg.length * 6 / 10);
    }

    /** A 4-component (CMYK, Adobe transform 0) JPEG. */
    public static byte[] cmykJpeg(int width, int height) {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, width, height, 4, null);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.setSample(x, y, 0, 255 * x / width);
                raster.setSample(x, y, 1, 255 * y / height);
                raster.setSample(x, y, 2, 40);
                raster.setSample(x, y, 3, 20);
            }
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(raster, null, null), null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        byte[] plain = bytes.toByteArray();
        byte[] adobe = {(byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0};
        byte[] out = new byte[plain.length + adobe.length];
        System.arraycopy(plain, 0, out, 0, 2); // SOI
        System.arraycopy(adobe, 0, out, 2, adobe.length);
        System.arraycopy(plain, 2, out, 2 + adobe.length, plain.length - 2);
        return out;
    }
}
