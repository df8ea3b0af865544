package dev.bigbatch.data.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_IGNORE_ORIENTATION;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMWRITE_JPEG_QUALITY;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imdecode;
import static org.bytedeco.opencv.global.opencv_imgcodecs.imencode;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Decodes and encodes images natively with OpenCV through JavaCPP (libjpeg-turbo and libpng inside OpenCV), the
 * binding DataVec uses. {@code javax.imageio} is not used: its JPEG reader rejects CMYK JPEGs, which ILSVRC2012
 * contains.
 *
 * <p>Decoding always yields 8-bit, 3-channel BGR: {@code IMREAD_COLOR} converts grayscale and CMYK/YCCK JPEGs (and
 * PNGs with alpha or palettes) to BGR. EXIF orientation is ignored ({@code IMREAD_IGNORE_ORIENTATION}) so pixels are
 * laid out as in PIL/torchvision, which do not rotate either. Returned {@link Mat}s own native memory: close them.
 * Thread-safe: every call uses its own buffers.
 */
public final class NativeImageDecoder {

    private static final int DECODE_FLAGS = IMREAD_COLOR | IMREAD_IGNORE_ORIENTATION;

    private NativeImageDecoder() {
    }

    /**
     * Decodes any format OpenCV reads into a BGR {@code CV_8UC3} Mat.
     *
     * @throws ImageDecodeException if {@code encoded} is empty or OpenCV cannot decode it
     */
    public static Mat decodeBgr(byte[] encoded) {
        if (encoded.length == 0) {
            throw new ImageDecodeException("empty file (0 bytes)");
        }
        Mat decoded;
        try (BytePointer bytes = new BytePointer(encoded); Mat raw = new Mat(1, encoded.length, CV_8UC1, bytes)) {
            decoded = imdecode(raw, DECODE_FLAGS);
        }
        if (decoded == null || decoded.empty()) {
            if (decoded != null) {
                decoded.close();
            }
            throw new ImageDecodeException("undecodable " + ImageFormat.sniff(encoded) + " data ("
                    + encoded.length + " bytes): OpenCV imdecode returned no image");
        }
        return decoded;
    }

    /** Encodes a BGR (or grayscale) Mat as a baseline JPEG at {@code quality} (1–100). */
    public static byte[] encodeJpeg(Mat bgr, int quality) {
        if (quality < 1 || quality > 100) {
            throw new IllegalArgumentException("JPEG quality must be in [1, 100], found " + quality);
        }
        return encode(".jpg", bgr, new int[] {IMWRITE_JPEG_QUALITY, quality});
    }

    /** Encodes a Mat as a PNG (lossless); used to build fixtures and by tools, never by the training path. */
    public static byte[] encodePng(Mat image) {
        return encode(".png", image, new int[0]);
    }

    private static byte[] encode(String extension, Mat image, int[] params) {
        try (BytePointer out = new BytePointer(); IntPointer p = new IntPointer(params)) {
            if (!imencode(extension, image, out, p)) {
                throw new IllegalStateException("OpenCV could not encode a " + image.cols() + "x" + image.rows()
                        + " image with " + image.channels() + " channels as " + extension);
            }
            byte[] bytes = new byte[(int) out.limit()];
            out.get(bytes);
            return bytes;
        }
    }
}
