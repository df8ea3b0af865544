package dev.bigbatch.jobs.data;

import java.io.Serializable;

/**
 * Turns one stored image (as in the dataset's {@code image} column) into normalized float CHW values, with training
 * augmentation when {@code train} is set. All randomness comes from {@code seed}, which the caller derives from
 * (run seed, epoch, example id), so the result never depends on where the example is processed.
 */
public interface ImageDecoder extends Serializable {
    /** Values per decoded example: channels × height × width of the network input. */
    int outputLength();

    /** Writes {@link #outputLength()} floats into {@code out} at {@code offset}. */
    void decode(byte[] image, boolean train, long seed, float[] out, int offset);
}
