package dev.bigbatch.data.cifar;

import java.io.IOException;

/** Receives the records of one split in source order from {@link CifarReader#read}. */
@FunctionalInterface
public interface CifarRecordSink {
    /**
     * @param id          index of the record within its split, in source order (data_batch_1 first for CIFAR-10)
     * @param label       the class (the fine label for CIFAR-100)
     * @param coarseLabel the CIFAR-100 superclass, or {@link CifarVariant#NO_COARSE_LABEL} for CIFAR-10
     * @param image       {@link CifarVariant#IMAGE_BYTES} bytes, R plane then G then B, each row-major 32x32.
     *                    The array is reused for the next record: copy it to keep it.
     */
    void accept(long id, int label, int coarseLabel, byte[] image) throws IOException;
}
