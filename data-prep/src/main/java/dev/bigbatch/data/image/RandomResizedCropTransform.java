package dev.bigbatch.data.image;

import java.util.SplittableRandom;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;

/**
 * The standard ImageNet training transform (torchvision {@code RandomResizedCrop(224)} +
 * {@code RandomHorizontalFlip()} + {@code Normalize}, as in Goyal et al. 2017 §5.1 and He et al. 2016): a
 * {@link RandomResizedCrop} box is resized to {@code size x size}, mirrored with probability 1/2, and normalized.
 * The crop and the flip are drawn, in that order, from one {@link SplittableRandom} seeded with the caller's seed.
 */
public record RandomResizedCropTransform(RandomResizedCrop crop, int outputSize, ChannelNormalization normalization)
        implements ImageTransform {

    /** Output side used by ResNet-50 training. */
    public static final int DEFAULT_SIZE = 224;

    public RandomResizedCropTransform {
        if (outputSize <= 0) {
            throw new IllegalArgumentException("output size must be positive, found " + outputSize);
        }
    }

    /** 224x224, scale [0.08, 1], ratio [3/4, 4/3], with the given normalization. */
    public static RandomResizedCropTransform standard(ChannelNormalization normalization) {
        return new RandomResizedCropTransform(RandomResizedCrop.DEFAULT, DEFAULT_SIZE, normalization);
    }

    /** The crop box and flip decision {@code seed} gives for a {@code width} x {@code height} image. */
    public Draw draw(int width, int height, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        CropBox box = crop.sample(width, height, random);
        return new Draw(box, random.nextBoolean());
    }

    @Override
    public void apply(Mat bgr, long seed, float[] dst, int offset) {
        Draw draw = draw(bgr.cols(), bgr.rows(), seed);
        CropBox b = draw.box();
        try (Rect rect = new Rect(b.x(), b.y(), b.width(), b.height());
             Mat view = new Mat(bgr, rect);
             Mat resized = ImageResizer.resize(view, outputSize, outputSize)) {
            NormalizedChw.write(resized, draw.mirrored(), normalization, dst, offset);
        }
    }

    /** One draw of the transform's randomness. */
    public record Draw(CropBox box, boolean mirrored) {
    }
}
