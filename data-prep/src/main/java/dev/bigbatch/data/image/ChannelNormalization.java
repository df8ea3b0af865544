package dev.bigbatch.data.image;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Per-channel normalization {@code x' = (x / 255 - mean_c) / std_c}, channels in RGB order, mean and std on the
 * [0, 1] scale. A prepared dataset's manifest carries the values measured on its training split; {@link #IMAGENET}
 * holds the ones torchvision and most published ImageNet recipes use.
 */
public record ChannelNormalization(double[] mean, double[] std) implements Serializable {

    /** torchvision's ImageNet statistics (RGB), as used by the reference ResNet-50 recipes. */
    public static final ChannelNormalization IMAGENET =
            new ChannelNormalization(new double[] {0.485, 0.456, 0.406}, new double[] {0.229, 0.224, 0.225});

    public ChannelNormalization {
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 (RGB) values, found " + mean.length + " and "
                    + std.length);
        }
        for (double s : std) {
            if (!(s > 0) || !Double.isFinite(s)) {
                throw new IllegalArgumentException("channel std must be positive and finite, found "
                        + Arrays.toString(std));
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    @Override
    public double[] mean() {
        return mean.clone();
    }

    @Override
    public double[] std() {
        return std.clone();
    }

    /** The multiplier applied to a raw 0–255 value of RGB channel {@code c}. */
    float scale(int c) {
        return (float) (1.0 / (255.0 * std[c]));
    }

    /** The offset added after scaling, for RGB channel {@code c}. */
    float offset(int c) {
        return (float) (-mean[c] / std[c]);
    }
}
