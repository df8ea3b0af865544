package dev.bigbatch.jobs.kfac;

import dev.bigbatch.optimizer.kfac.EigenResult;
import dev.bigbatch.optimizer.kfac.FactorEigendecomposition;
import dev.bigbatch.optimizer.kfac.FactorMatrix;

import java.io.Serializable;
import java.util.List;

/**
 * The Kronecker factors one task of a {@link SparkFactorInverter} job decomposes, as they travel to the executor.
 *
 * <p>Each factor travels as its upper triangle, row by row with the diagonal, in DOUBLE: n(n+1)/2 values instead of
 * n², and exactly the entries LAPACK reads ({@code FactorEigendecomposition} calls {@code dsyev} with
 * {@code uplo = 'U'} on the row-major matrix). The task mirrors the triangle back into the full matrix before calling
 * {@link FactorEigendecomposition#decompose}, so it decomposes the same bits as the driver would: the driver's factor
 * averages are exactly symmetric (formed entry by entry from symmetric estimates). FLOAT would halve the bytes again,
 * but it would change the eigenvectors and so the preconditioned step; the saving is not worth losing equality with
 * {@code optimizer.inverse-on = driver}.
 *
 * @param names          the factors' keys
 * @param dims           their dimensions n
 * @param shifts         their diagonal shifts
 * @param upperTriangles their packed upper triangles, n(n+1)/2 values each
 */
record InverseTask(String[] names, int[] dims, double[] shifts, double[][] upperTriangles) implements Serializable {

    /** The factors {@code indices} of {@code factors}, packed. */
    static InverseTask of(List<FactorMatrix> factors, int[] indices) {
        String[] names = new String[indices.length];
        int[] dims = new int[indices.length];
        double[] shifts = new double[indices.length];
        double[][] upper = new double[indices.length][];
        for (int k = 0; k < indices.length; k++) {
            FactorMatrix m = factors.get(indices[k]);
            names[k] = m.name();
            dims[k] = m.n();
            shifts[k] = m.shift();
            upper[k] = pack(m.values(), m.n());
        }
        return new InverseTask(names, dims, shifts, upper);
    }

    /** Decomposes every factor of the task, in order; runs on the executor. */
    EigenResult[] decompose() {
        EigenResult[] out = new EigenResult[names.length];
        for (int k = 0; k < names.length; k++) {
            out[k] = FactorEigendecomposition.decompose(factor(k));
        }
        return out;
    }

    /** Factor {@code k} as a full row-major matrix again. */
    FactorMatrix factor(int k) {
        int n = dims[k];
        double[] full = new double[n * n];
        int p = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i; j < n; j++) {
                full[i * n + j] = upperTriangles[k][p];
                full[j * n + i] = upperTriangles[k][p];
                p++;
            }
        }
        return new FactorMatrix(names[k], n, full, shifts[k]);
    }

    /** Bytes of matrix entries this task carries: 8 n(n+1)/2 per factor. */
    long payloadBytes() {
        long values = 0;
        for (double[] u : upperTriangles) {
            values += u.length;
        }
        return 8 * values;
    }

    static double[] pack(double[] rowMajor, int n) {
        double[] out = new double[n * (n + 1) / 2];
        int p = 0;
        for (int i = 0; i < n; i++) {
            System.arraycopy(rowMajor, i * n + i, out, p, n - i);
            p += n - i;
        }
        return out;
    }
}
