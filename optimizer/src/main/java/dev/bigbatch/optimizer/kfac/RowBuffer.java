package dev.bigbatch.optimizer.kfac;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * One reusable buffer for the rows of {@link CurvatureBlock}s, lent out as a c-order [rows, columns] view of its first
 * rows·columns values: every block and chunk that {@link KroneckerFactorSums} processes fills the same memory instead
 * of allocating its own. The convolution patches are the largest arrays K-FAC builds (ResNet-20's first stage: 32
 * examples × 1,024 positions × 145 columns per ghost batch). Grows to the largest request, never shrinks; not
 * thread-safe.
 */
final class RowBuffer {
    private INDArray buffer;

    /**
     * A [rows, columns] matrix of {@code type} over this buffer, valid until the next call; its contents are whatever
     * the previous user left.
     */
    INDArray matrix(DataType type, long rows, long columns) {
        long n = rows * columns;
        if (buffer == null || buffer.dataType() != type || buffer.length() < n) {
            buffer = Nd4j.createUninitialized(type, n);
        }
        return buffer.get(NDArrayIndex.interval(0, n)).reshape('c', true, rows, columns);
    }
}
