package dev.bigbatch.data.image;

import java.io.Serializable;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Turns a decoded BGR image into a normalized float tensor of shape {@code [3, size, size]} (CHW, RGB), the layout
 * DL4J convolution layers take. Any randomness comes from {@code seed} alone, so the same (image, seed) gives the
 * same bits on any thread, executor or run; callers derive the seed from (run seed, epoch, example id).
 */
public interface ImageTransform extends Serializable {

    /** Side of the square output. */
    int outputSize();

    /** Floats written per image: {@code 3 * outputSize()^2}. */
    default int outputLength() {
        return 3 * outputSize() * outputSize();
    }

    /**
     * Writes the transformed image into {@code dst[offset, offset + outputLength())}.
     *
     * @param bgr  8-bit 3-channel BGR image, as {@link NativeImageDecoder#decodeBgr} returns; not modified
     * @param seed the only source of randomness
     */
    void apply(Mat bgr, long seed, float[] dst, int offset);

    /** {@link #apply(Mat, long, float[], int)} into a new array. */
    default float[] apply(Mat bgr, long seed) {
        float[] out = new float[outputLength()];
        apply(bgr, seed, out, 0);
        return out;
    }
}
