package dev.bigbatch.optimizer.kfac;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The per-factor work of an inverse refresh, as a static pure function: factor in, eigenvalues and eigenvectors out.
 * Shipped unchanged to executors by a distributed {@link FactorInverter}, so driver and executors compute the same
 * thing; bit-equality additionally needs the same LAPACK build and thread count.
 *
 * <p>Uses LAPACK {@code dsyev} through ND4J ({@code Nd4j.getBlasWrapper().lapack().syev}) in DOUBLE, rather than
 * {@code org.nd4j.linalg.eigen.Eigen.symmetricGeneralizedEigenvalues}, because that wrapper drops the LAPACK status:
 * a failed decomposition must be seen to be skipped.
 */
public final class FactorEigendecomposition {
    private FactorEigendecomposition() {
    }

    public static EigenResult decompose(FactorMatrix m) {
        int n = m.n();
        double[] values = m.values().clone();
        for (int i = 0; i < values.length; i++) {
            if (!Double.isFinite(values[i])) {
                return EigenResult.failed(m.name(), "non-finite entry " + values[i] + " at (" + i / n + ", " + i % n + ")");
            }
        }
        for (int i = 0; i < n; i++) {
            values[i * n + i] += m.shift();
        }
        INDArray a = Nd4j.create(values, new long[]{n, n}, DataType.DOUBLE);
        INDArray s = Nd4j.create(DataType.DOUBLE, n);
        int info;
        try {
            info = Nd4j.getBlasWrapper().lapack().syev('V', 'U', a, s);
        } catch (RuntimeException e) {
            return EigenResult.failed(m.name(), "dsyev threw " + e);
        }
        if (info != 0) {
            // info < 0: an illegal argument (e.g. NaN detected); info > 0: the QR iteration did not converge.
            return EigenResult.failed(m.name(), "LAPACK dsyev returned info=" + info);
        }
        double[] eigenvalues = s.toDoubleVector();
        double[] eigenvectors = a.dup('c').data().asDouble();
        for (double v : eigenvalues) {
            if (!Double.isFinite(v)) {
                return EigenResult.failed(m.name(), "non-finite eigenvalue " + v);
            }
        }
        for (double v : eigenvectors) {
            if (!Double.isFinite(v)) {
                return EigenResult.failed(m.name(), "non-finite eigenvector entry " + v);
            }
        }
        return EigenResult.success(m.name(), eigenvalues, eigenvectors);
    }
}
