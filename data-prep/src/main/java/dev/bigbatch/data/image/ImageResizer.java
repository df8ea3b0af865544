package dev.bigbatch.data.image;

import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import org.bytedeco.opencv.global.opencv_imgproc;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Resizing with the interpolation torchvision's bilinear resize amounts to: {@code INTER_AREA} when shrinking in both
 * directions (an antialiased average, like PIL's bilinear filter whose support grows with the scale factor), and
 * {@code INTER_LINEAR} otherwise (OpenCV's plain bilinear aliases badly when shrinking by more than 2x).
 */
public final class ImageResizer {

    private ImageResizer() {
    }

    /** A new Mat holding {@code src} resized to {@code width} x {@code height}. */
    public static Mat resize(Mat src, int width, int height) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("target size must be positive, found " + width + "x" + height);
        }
        Mat dst = new Mat();
        boolean shrinking = width <= src.cols() && height <= src.rows();
        try (Size size = new Size(width, height)) {
            opencv_imgproc.resize(src, dst, size, 0, 0, shrinking ? INTER_AREA : INTER_LINEAR);
        }
        return dst;
    }

    /**
     * The size ({@code {width, height}}) torchvision's {@code Resize(shorterSide)} gives: the shorter side becomes
     * {@code shorterSide}, the longer one {@code (int) (shorterSide * longer / shorter)} (truncated, as torchvision).
     */
    public static int[] shorterSideSize(int width, int height, int shorterSide) {
        if (width <= height) {
            return new int[] {shorterSide, (int) ((long) shorterSide * height / width)};
        }
        return new int[] {(int) ((long) shorterSide * width / height), shorterSide};
    }

    /** A new Mat holding {@code src} resized so its shorter side is {@code shorterSide}, enlarging if need be. */
    public static Mat resizeShorterSide(Mat src, int shorterSide) {
        int[] size = shorterSideSize(src.cols(), src.rows(), shorterSide);
        return resize(src, size[0], size[1]);
    }
}
