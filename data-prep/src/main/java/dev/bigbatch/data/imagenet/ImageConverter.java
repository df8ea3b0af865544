package dev.bigbatch.data.imagenet;

import static org.bytedeco.opencv.global.opencv_core.meanStdDev;

import dev.bigbatch.data.image.ImageDecodeException;
import dev.bigbatch.data.image.ImageFormat;
import dev.bigbatch.data.image.ImageResizer;
import dev.bigbatch.data.image.JpegStructure;
import dev.bigbatch.data.image.NativeImageDecoder;
import java.io.Serializable;
import org.bytedeco.javacpp.indexer.DoubleIndexer;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Turns one input file into a dataset image or a quarantine entry. Rules, in order:
 * <ol>
 *   <li>empty file: quarantined;</li>
 *   <li>JPEG (by magic bytes) whose marker walk ({@link JpegStructure}) ends before EOI: quarantined as truncated,
 *       although libjpeg would decode it with grey rows; a JPEG whose markers are malformed: quarantined;</li>
 *   <li>anything OpenCV cannot decode: quarantined;</li>
 *   <li>otherwise converted to RGB and written: grayscale and CMYK JPEGs and non-JPEG content (ILSVRC's PNG named
 *       {@code .JPEG}) are counted as conversions;</li>
 * </ol>
 * then downscaled (never enlarged) so the shorter side is at most {@code shorterSide} (0: keep) and re-encoded as a
 * baseline JPEG at {@code jpegQuality}.
 */
public record ImageConverter(int shorterSide, int jpegQuality) implements Serializable {

    /** Files larger than this are quarantined rather than decoded (ILSVRC's largest is ~15 MB). */
    public static final int MAX_FILE_BYTES = 64 << 20;
    static final String GRAYSCALE = "grayscale JPEG -> RGB";
    static final String CMYK = "CMYK/YCCK JPEG -> RGB";

    public ImageOutcome convert(String path, int label, byte[] bytes) {
        if (bytes.length == 0) {
            return new ImageOutcome.Quarantined(path, "empty file (0 bytes)");
        }
        String conversion;
        try {
            conversion = inspect(bytes);
        } catch (ImageDecodeException e) {
            return new ImageOutcome.Quarantined(path, e.getMessage());
        }
        try (Mat decoded = NativeImageDecoder.decodeBgr(bytes); Mat resized = downscale(decoded)) {
            byte[] jpeg = NativeImageDecoder.encodeJpeg(resized, jpegQuality);
            double[][] moments = channelMoments(resized);
            return new ImageOutcome.Converted(path, label, jpeg, resized.cols(), resized.rows(), conversion,
                    moments[0], moments[1], (long) resized.cols() * resized.rows());
        } catch (ImageDecodeException e) {
            return new ImageOutcome.Quarantined(path, e.getMessage());
        }
    }

    /** The conversion a decodable file will need (null for none); throws for files to quarantine. */
    private static String inspect(byte[] bytes) {
        ImageFormat format = ImageFormat.sniff(bytes);
        if (format != ImageFormat.JPEG) {
            return format == ImageFormat.UNKNOWN ? "unrecognised content -> JPEG" : format + " content -> JPEG";
        }
        JpegStructure jpeg = JpegStructure.parse(bytes);
        if (!jpeg.complete()) {
            throw new ImageDecodeException("truncated JPEG: data ends (" + bytes.length
                    + " bytes) before the EOI marker");
        }
        return switch (jpeg.components()) {
            case 1 -> GRAYSCALE;
            case 4 -> CMYK;
            default -> null;
        };
    }

    /** A downscaled copy, or a shallow copy (sharing pixels) when no resize is needed. */
    private Mat downscale(Mat image) {
        int shorter = Math.min(image.cols(), image.rows());
        if (shorterSide == 0 || shorter <= shorterSide) {
            return new Mat(image);
        }
        return ImageResizer.resizeShorterSide(image, shorterSide);
    }

    /** Per-channel sums and sums of squares, RGB order, from OpenCV's per-image mean and standard deviation. */
    private static double[][] channelMoments(Mat bgr) {
        double n = (double) bgr.cols() * bgr.rows();
        double[] sum = new double[3];
        double[] sumSquares = new double[3];
        try (Mat mean = new Mat(); Mat std = new Mat()) {
            meanStdDev(bgr, mean, std);
            try (DoubleIndexer m = mean.createIndexer(); DoubleIndexer s = std.createIndexer()) {
                for (int bgrChannel = 0; bgrChannel < 3; bgrChannel++) {
                    int rgb = 2 - bgrChannel;
                    double mu = m.get(bgrChannel);
                    double sigma = s.get(bgrChannel);
                    sum[rgb] = mu * n;
                    sumSquares[rgb] = (sigma * sigma + mu * mu) * n;
                }
            }
        }
        return new double[][] {sum, sumSquares};
    }
}
