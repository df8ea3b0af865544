package dev.bigbatch.jobs.data;

import java.io.Serializable;

/**
 * Turns one stored image (as in the dataset's {@code image} column) into normalized float CHW values of the network's
 * input shape, with training augmentation when {@code train} is set. All randomness comes from {@code seed}, which the
 * caller derives from (run seed, epoch, example id), so the result never depends on where the example is processed.
 * Implementations are immutable and thread-safe: the loop may decode several examples at once on background threads.
 */
public interface ImageDecoder extends Serializable {
    /** Channels of the network input. */
    int channels();

    /** Height of the network input. */
    int height();

    /** Width of the network input. */
    int width();

    /** Values per decoded example: channels × height × width. */
    default int outputLength() {
        return channels() * height() * width();
    }

    /** Writes {@link #outputLength()} floats into {@code out} at {@code offset}. */
    void decode(byte[] image, boolean train, long seed, float[] out, int offset);
}
