package dev.bigbatch.data.image;

import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;

/**
 * The standard ImageNet evaluation transform (torchvision {@code Resize(256)} + {@code CenterCrop(224)} +
 * {@code Normalize}): resize so the shorter side is {@code resizeShorterSide}, take the central
 * {@code outputSize x outputSize} window (offsets rounded half to even, as Python's {@code round} in torchvision), normalize. Deterministic; ignores the seed.
 */
public record CenterCropTransform(int resizeShorterSide, int outputSize, ChannelNormalization normalization)
        implements ImageTransform {

    public static final int DEFAULT_RESIZE = 256;
    public static final int DEFAULT_SIZE = 224;

    public CenterCropTransform {
        if (outputSize <= 0 || resizeShorterSide < outputSize) {
            throw new IllegalArgumentException("need 0 < output size <= resize size, found output " + outputSize
                    + ", resize " + resizeShorterSide);
        }
    }

    /** Resize 256, crop 224, with the given normalization. */
    public static CenterCropTransform standard(ChannelNormalization normalization) {
        return new CenterCropTransform(DEFAULT_RESIZE, DEFAULT_SIZE, normalization);
    }

    /** The crop box, in the coordinates of the resized image, for a resized image of the given size. */
    public CropBox centralBox(int resizedWidth, int resizedHeight) {
        int top = (int) Math.rint((resizedHeight - outputSize) / 2.0);
        int left = (int) Math.rint((resizedWidth - outputSize) / 2.0);
        return new CropBox(left, top, outputSize, outputSize);
    }

    @Override
    public void apply(Mat bgr, long seed, float[] dst, int offset) {
        try (Mat resized = ImageResizer.resizeShorterSide(bgr, resizeShorterSide)) {
            CropBox b = centralBox(resized.cols(), resized.rows());
            try (Rect rect = new Rect(b.x(), b.y(), b.width(), b.height()); Mat view = new Mat(resized, rect)) {
                NormalizedChw.write(view, false, normalization, dst, offset);
            }
        }
    }
}
