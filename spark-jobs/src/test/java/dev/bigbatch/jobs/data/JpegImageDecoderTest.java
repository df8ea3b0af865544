package dev.bigbatch.jobs.data;

import dev.bigbatch.data.dataset.DatasetLayout;
import dev.bigbatch.data.dataset.DatasetManifest;
import dev.bigbatch.data.dataset.SplitSummary;
import dev.bigbatch.data.image.ChannelNormalization;
import dev.bigbatch.data.image.ImageDecodeException;
import dev.bigbatch.jobs.ImagenetFixtures;
import dev.bigbatch.jobs.exit.DataError;
import dev.bigbatch.optimizer.config.ConfigError;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JPEG decoder of the training loop, and how a dataset's encoding picks the decoder and the input shape. */
class JpegImageDecoderTest {
    static final ChannelNormalization NORM = new ChannelNormalization(new double[]{0.5, 0.4, 0.3},
            new double[]{0.2, 0.25, 0.3});

    static DatasetManifest manifest(String encoding, int side) {
        Map<String, SplitSummary> splits = Map.of("train", new SplitSummary(2, List.of(1L, 1L)));
        return new DatasetManifest(DatasetManifest.FORMAT, 1, "imagenet", encoding, side, side, 3, List.of("a", "b"),
                null, null, splits, List.of(0.5, 0.4, 0.3), List.of(0.2, 0.25, 0.3), "test");
    }

    @Test
    void evaluationIsCenterCropAfterResizeAndIgnoresTheSeed() {
        JpegImageDecoder d = new JpegImageDecoder(16, NORM);
        assertEquals(3 * 16 * 16, d.outputLength());
        assertEquals(256, JpegImageDecoder.evalResize(224), "ResNet-50: resize 256, crop 224");
        assertEquals(37, JpegImageDecoder.evalResize(32));
        byte[] jpeg = ImagenetFixtures.jpeg(1, 40, 30, 5);
        float[] a = new float[d.outputLength()];
        float[] b = new float[d.outputLength()];
        d.decode(jpeg, false, 1, a, 0);
        d.decode(jpeg, false, 2, b, 0);
        assertArrayEquals(a, b);
    }

    @Test
    void trainingCropsDependOnTheSeedOnly() {
        JpegImageDecoder d = new JpegImageDecoder(16, NORM);
        byte[] jpeg = ImagenetFixtures.jpeg(0, 64, 48, 9);
        float[] a = new float[2 * d.outputLength()];
        d.decode(jpeg, true, 42, a, 0);
        d.decode(jpeg, true, 42, a, d.outputLength());
        assertArrayEquals(Arrays.copyOfRange(a, 0, d.outputLength()), Arrays.copyOfRange(a, d.outputLength(), a.length));
        float[] other = new float[d.outputLength()];
        d.decode(jpeg, true, 43, other, 0);
        assertFalse(Arrays.equals(Arrays.copyOfRange(a, 0, d.outputLength()), other));
    }

    /** A uniform image normalizes to (v/255 − μ_c)/σ_c in RGB order, whatever the crop, flip and resize. */
    @Test
    void normalizesEachRgbChannelWithTheManifestStatistics() {
        JpegImageDecoder d = JpegImageDecoder.of(manifest(DatasetLayout.ENCODING_JPEG, 0), 8);
        byte[] jpeg = uniformJpeg();
        double[] rgb = {200, 100, 50};
        double[] mean = {0.5, 0.4, 0.3};
        double[] std = {0.2, 0.25, 0.3};
        for (boolean train : new boolean[]{false, true}) {
            float[] out = new float[d.outputLength()];
            d.decode(jpeg, train, 7, out, 0);
            for (int c = 0; c < 3; c++) {
                double expected = (rgb[c] / 255 - mean[c]) / std[c];
                for (int i = c * 64; i < (c + 1) * 64; i++) {
                    // Observed: exact up to float rounding (1e-5 levels); 2 levels allowed for other libjpeg builds.
                    assertEquals(expected, out[i], 2.0 / 255 / std[c], "channel " + c + " value " + i);
                }
            }
        }
    }

    private static byte[] uniformJpeg() {
        try (var m = new org.bytedeco.opencv.opencv_core.Mat(20, 24, org.bytedeco.opencv.global.opencv_core.CV_8UC3,
                new org.bytedeco.opencv.opencv_core.Scalar(50, 100, 200, 0))) {
            return dev.bigbatch.data.image.NativeImageDecoder.encodeJpeg(m, 95);
        }
    }

    @Test
    void undecodableBytesAreReportedAsSuch() {
        JpegImageDecoder d = new JpegImageDecoder(8, NORM);
        byte[] cut = Arrays.copyOf(ImagenetFixtures.jpeg(0, 30, 30, 1), 20);
        assertThrows(ImageDecodeException.class, () -> d.decode(cut, true, 1, new float[d.outputLength()], 0));
    }

    @Test
    void travelsToExecutorsAsJavaSerialization() throws Exception {
        JpegImageDecoder d = new JpegImageDecoder(12, NORM);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(d);
        }
        JpegImageDecoder copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (JpegImageDecoder) in.readObject();
        }
        byte[] jpeg = ImagenetFixtures.jpeg(2, 33, 27, 4);
        float[] a = new float[d.outputLength()];
        float[] b = new float[d.outputLength()];
        d.decode(jpeg, true, 5, a, 0);
        copy.decode(jpeg, true, 5, b, 0);
        assertArrayEquals(a, b);
    }

    @Test
    void theEncodingPicksTheDecoderAndTheInputShape() {
        ImageDecoder cifar = ImageDecoders.forManifest(manifest(DatasetLayout.ENCODING_RAW_U8_CHW, 32), "d", 0);
        assertInstanceOf(CifarImageDecoder.class, cifar);
        assertEquals(List.of(3, 32, 32), List.of(cifar.channels(), cifar.height(), cifar.width()));
        assertEquals(32, ImageDecoders.forManifest(manifest(DatasetLayout.ENCODING_RAW_U8_CHW, 32), "d", 32).height());
        ConfigError e = assertThrows(ConfigError.class,
                () -> ImageDecoders.forManifest(manifest(DatasetLayout.ENCODING_RAW_U8_CHW, 32), "d", 64));
        assertTrue(e.getMessage().contains("data.image-size") && e.getMessage().contains("32x32")
                && e.getMessage().contains("64"), e.getMessage());

        ImageDecoder jpeg = ImageDecoders.forManifest(manifest(DatasetLayout.ENCODING_JPEG, 0), "d", 0);
        assertInstanceOf(JpegImageDecoder.class, jpeg);
        assertEquals(List.of(3, 224, 224), List.of(jpeg.channels(), jpeg.height(), jpeg.width()));
        assertEquals(40, ImageDecoders.forManifest(manifest(DatasetLayout.ENCODING_JPEG, 0), "d", 40).width());

        DataError unknown = assertThrows(DataError.class,
                () -> ImageDecoders.forManifest(manifest("webp", 0), "hdfs://nn/ds", 0));
        assertTrue(unknown.getMessage().contains("hdfs://nn/ds") && unknown.getMessage().contains("'webp'"),
                unknown.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> JpegImageDecoder.of(manifest(DatasetLayout.ENCODING_RAW_U8_CHW, 32), 16));
    }
}
