package dev.bigbatch.optimizer.kfac;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Symmetric matrices sent as their upper triangle (row by row, diagonal included): n(n+1)/2 values instead of n², which
 * halves the factor payload from executors to the driver.
 */
final class PackedSymmetric {
    private PackedSymmetric() {
    }

    static long packedLength(long n) {
        return n * (n + 1) / 2;
    }

    /** The dimension n of a packed triangle of {@code length} values. */
    static int dimension(long length) {
        long n = (long) Math.floor((Math.sqrt(8.0 * length + 1) - 1) / 2);
        if (packedLength(n) != length) {
            throw new IllegalArgumentException(length + " values are not the upper triangle of a square matrix");
        }
        return Math.toIntExact(n);
    }

    /** The upper triangle of the square matrix {@code m}, as a new DOUBLE vector. */
    static INDArray pack(INDArray m) {
        int n = Math.toIntExact(m.rows());
        double[] full = m.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] out = new double[(int) packedLength(n)];
        int k = 0;
        for (int i = 0; i < n; i++) {
            System.arraycopy(full, i * n + i, out, k, n - i);
            k += n - i;
        }
        return Nd4j.createFromArray(out);
    }

    /** The full symmetric DOUBLE matrix of a packed upper triangle, each value times {@code scale}. */
    static INDArray unpack(float[] packed, double scale) {
        int n = dimension(packed.length);
        double[] full = new double[n * n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                double v = packed[k++] * scale;
                full[i * n + j] = v;
                full[j * n + i] = v;
            }
        }
        return Nd4j.create(full, new long[]{n, n}, DataType.DOUBLE);
    }
}
