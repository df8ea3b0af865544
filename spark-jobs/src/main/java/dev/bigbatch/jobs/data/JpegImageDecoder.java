package dev.bigbatch.jobs.data;

import dev.bigbatch.data.dataset.DatasetLayout;
import dev.bigbatch.data.dataset.DatasetManifest;
import dev.bigbatch.data.image.CenterCropTransform;
import dev.bigbatch.data.image.ChannelNormalization;
import dev.bigbatch.data.image.NativeImageDecoder;
import dev.bigbatch.data.image.RandomResizedCrop;
import dev.bigbatch.data.image.RandomResizedCropTransform;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Decodes {@value DatasetLayout#ENCODING_JPEG} images (prepared ImageNet, or any folder-per-class set) natively and
 * applies the standard ImageNet input pipeline of data-prep at a square input side {@code size} chosen by the run:
 * <ul>
 *   <li>training: {@link RandomResizedCropTransform} — an Inception-style crop (Szegedy et al. 2015, §6: area
 *   fraction s ~ U[0.08, 1], log aspect ratio ~ U[log 3/4, log 4/3]) resized to size × size, mirrored with
 *   probability 1/2 (Goyal et al. 2017, §5.1; He et al. 2016, §3.4);</li>
 *   <li>evaluation: {@link CenterCropTransform} — the shorter side resized to round(size · 256/224), then the central
 *   size × size window (the single-crop protocol: 256 → 224 for ResNet-50).</li>
 * </ul>
 * Both normalize each RGB channel with the manifest's training-split statistics, x' = (x / 255 − μ_c) / σ_c. Decoding
 * and transforms are thread-safe (every call has its own native buffers), so several threads may share one decoder.
 */
public final class JpegImageDecoder implements ImageDecoder {
    private static final long serialVersionUID = 1L;
    /** ResNet evaluation resizes to 256 for a 224 crop; other sizes keep the same ratio. */
    static final double EVAL_RESIZE_RATIO = 256.0 / 224.0;
    /** Channels after decoding: grayscale and CMYK JPEGs are converted to RGB. */
    static final int CHANNELS = 3;

    private final int size;
    private final RandomResizedCropTransform train;
    private final CenterCropTransform eval;

    public JpegImageDecoder(int size, ChannelNormalization normalization) {
        if (size < 1) {
            throw new IllegalArgumentException("input size must be positive, found " + size);
        }
        this.size = size;
        this.train = new RandomResizedCropTransform(RandomResizedCrop.DEFAULT, size, normalization);
        this.eval = new CenterCropTransform(evalResize(size), size, normalization);
    }

    /** A decoder for {@code manifest}'s JPEG images at input side {@code size}, normalized with its statistics. */
    public static JpegImageDecoder of(DatasetManifest manifest, int size) {
        if (!DatasetLayout.ENCODING_JPEG.equals(manifest.encoding()) || manifest.channels() != CHANNELS) {
            throw new IllegalArgumentException("the JPEG decoder needs " + DatasetLayout.ENCODING_JPEG + " images with "
                    + CHANNELS + " channels; the dataset (" + manifest.source() + ") has " + manifest.encoding()
                    + " with " + manifest.channels());
        }
        double[] mean = manifest.mean().stream().mapToDouble(Double::doubleValue).toArray();
        double[] std = manifest.std().stream().mapToDouble(Double::doubleValue).toArray();
        return new JpegImageDecoder(size, new ChannelNormalization(mean, std));
    }

    /** The shorter side evaluation resizes to before its central crop: {@code round(size · 256 / 224)}. */
    static int evalResize(int size) {
        return (int) Math.round(size * EVAL_RESIZE_RATIO);
    }

    @Override
    public int channels() {
        return CHANNELS;
    }

    @Override
    public int height() {
        return size;
    }

    @Override
    public int width() {
        return size;
    }

    @Override
    public void decode(byte[] image, boolean train, long seed, float[] out, int offset) {
        try (Mat bgr = NativeImageDecoder.decodeBgr(image)) {
            if (train) {
                this.train.apply(bgr, seed, out, offset);
            } else {
                this.eval.apply(bgr, seed, out, offset);
            }
        }
    }
}
