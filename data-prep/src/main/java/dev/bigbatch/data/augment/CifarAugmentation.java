package dev.bigbatch.data.augment;

import dev.bigbatch.data.dataset.DatasetLayout;
import dev.bigbatch.data.dataset.DatasetManifest;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Executor-side decoding of a CIFAR image ({@value DatasetLayout#ENCODING_RAW_U8_CHW}, 3072 bytes) into the
 * float[3*32*32] CHW layout DL4J convolutions take (one example of an NCHW batch), normalised per channel:
 * x = (p / 255 - mean_c) / std_c, with the manifest's training-set mean and std.
 *
 * <p>Training applies the standard CIFAR augmentation of He et al. 2016 ("Deep Residual Learning for Image
 * Recognition", sec. 4.2): pad 4 pixels on each side with zeros, take a random 32x32 crop of the 40x40 image, and
 * flip it horizontally with probability 1/2. The padding is black in pixel space (p = 0), so after normalisation it
 * is -mean_c / std_c, not 0. Evaluation applies no augmentation.
 *
 * <p>The only randomness is a {@link SplittableRandom} built from the {@code seed} argument, drawn in this order:
 * row offset {@code nextInt(9)}, column offset {@code nextInt(9)}, flip {@code nextBoolean()}. Derive the seed from
 * (run seed, epoch, example id) (the loop uses {@code dev.bigbatch.jobs.sampling.Seeds}), and the result no longer
 * depends on partitioning or task retries. Instances are immutable and thread-safe; the per-channel affine map is a 256-entry table per channel,
 * so each output value is one lookup. Serializable (about 3 KB) so that a Spark task may carry it.
 */
public final class CifarAugmentation implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final int SIDE = 32;
    public static final int CHANNELS = 3;
    public static final int PLANE = SIDE * SIDE;
    public static final int SIZE = CHANNELS * PLANE;
    /** Zero padding on each side before the random crop (He et al. 2016). */
    public static final int PADDING = 4;

    private final float[][] table = new float[CHANNELS][256];
    private final float[] padValue = new float[CHANNELS];

    /**
     * @param mean per-channel mean of pixels scaled to [0, 1]
     * @param std  per-channel standard deviation of the same, positive
     */
    public CifarAugmentation(double[] mean, double[] std) {
        if (mean.length != CHANNELS || std.length != CHANNELS) {
            throw new IllegalArgumentException("need " + CHANNELS + " means and stds, found " + mean.length + " and "
                    + std.length);
        }
        for (int c = 0; c < CHANNELS; c++) {
            if (!(std[c] > 0) || !Double.isFinite(std[c]) || !Double.isFinite(mean[c])) {
                throw new IllegalArgumentException("channel " + c + ": std must be positive and mean finite, found "
                        + "mean " + mean[c] + ", std " + std[c]);
            }
            for (int p = 0; p < 256; p++) {
                table[c][p] = (float) ((p / 255.0 - mean[c]) / std[c]);
            }
            padValue[c] = table[c][0];
        }
    }

    /** Normalisation from a prepared dataset's manifest, which must hold 32x32x3 raw images. */
    public static CifarAugmentation of(DatasetManifest manifest) {
        if (!DatasetLayout.ENCODING_RAW_U8_CHW.equals(manifest.encoding()) || manifest.height() != SIDE
                || manifest.width() != SIDE || manifest.channels() != CHANNELS) {
            throw new IllegalArgumentException("CIFAR augmentation needs " + DatasetLayout.ENCODING_RAW_U8_CHW + " "
                    + SIDE + "x" + SIDE + "x" + CHANNELS + " images; the dataset (" + manifest.source() + ") has "
                    + manifest.encoding() + " " + manifest.height() + "x" + manifest.width() + "x"
                    + manifest.channels());
        }
        return new CifarAugmentation(toArray(manifest.mean()), toArray(manifest.std()));
    }

    /** Training: random padded crop and flip drawn from {@code seed}, then normalised. */
    public float[] train(byte[] image, long seed) {
        float[] out = new float[SIZE];
        train(image, seed, out, 0);
        return out;
    }

    /** As {@link #train(byte[], long)}, writing {@link #SIZE} values into {@code out} from {@code offset}. */
    public void train(byte[] image, long seed, float[] out, int offset) {
        SplittableRandom random = new SplittableRandom(seed);
        int dy = random.nextInt(2 * PADDING + 1);
        int dx = random.nextInt(2 * PADDING + 1);
        boolean flip = random.nextBoolean();
        cropFlip(image, dy, dx, flip, out, offset);
    }

    /** Evaluation: normalisation only. */
    public float[] eval(byte[] image) {
        float[] out = new float[SIZE];
        eval(image, out, 0);
        return out;
    }

    /** As {@link #eval(byte[])}, writing {@link #SIZE} values into {@code out} from {@code offset}. */
    public void eval(byte[] image, float[] out, int offset) {
        check(image, out, offset);
        for (int c = 0; c < CHANNELS; c++) {
            float[] t = table[c];
            for (int i = c * PLANE, end = i + PLANE; i < end; i++) {
                out[offset + i] = t[image[i] & 0xFF];
            }
        }
    }

    /**
     * The crop whose top-left corner is (dy, dx) in the padded 40x40 image, flipped if asked, normalised.
     * Output pixel (y, x) takes padded pixel (y + dy, x' + dx) with x' = flip ? 31 - x : x, i.e. source pixel
     * (y + dy - 4, x' + dx - 4), or the pad value where that is outside the image.
     */
    void cropFlip(byte[] image, int dy, int dx, boolean flip, float[] out, int offset) {
        check(image, out, offset);
        for (int c = 0; c < CHANNELS; c++) {
            float[] t = table[c];
            float pad = padValue[c];
            for (int y = 0; y < SIDE; y++) {
                int sy = y + dy - PADDING;
                int o = offset + c * PLANE + y * SIDE;
                if (sy < 0 || sy >= SIDE) {
                    Arrays.fill(out, o, o + SIDE, pad);
                    continue;
                }
                int row = c * PLANE + sy * SIDE;
                for (int x = 0; x < SIDE; x++) {
                    int sx = (flip ? SIDE - 1 - x : x) + dx - PADDING;
                    out[o + x] = sx < 0 || sx >= SIDE ? pad : t[image[row + sx] & 0xFF];
                }
            }
        }
    }

    private static void check(byte[] image, float[] out, int offset) {
        if (image.length != SIZE) {
            throw new IllegalArgumentException("a CIFAR image has " + SIZE + " bytes, found " + image.length);
        }
        if (offset < 0 || offset > out.length - SIZE) {
            throw new IllegalArgumentException("no room for " + SIZE + " values at offset " + offset
                    + " in an array of " + out.length);
        }
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
