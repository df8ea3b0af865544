package dev.bigbatch.optimizer.kfac;

import java.io.Serializable;

/**
 * One Kronecker factor to decompose: a symmetric n×n matrix, row-major, plus a diagonal shift to add first (0 on the
 * first attempt; the damping on a retry after a failed decomposition). The unit of work of a {@link FactorInverter}.
 *
 * @param name   the factor's key, e.g. {@code kfac.conv2d.res2a.A}
 * @param n      dimension
 * @param values n² entries, row-major
 * @param shift  added to the diagonal before decomposing
 */
public record FactorMatrix(String name, int n, double[] values, double shift) implements Serializable {
    private static final long serialVersionUID = 1L;

    public FactorMatrix {
        if (n < 1 || values.length != (long) n * n) {
            throw new IllegalArgumentException(name + ": " + values.length + " values do not make a " + n + "x" + n
                    + " matrix");
        }
    }

    /** The cost model of its decomposition, n³ (dense symmetric eigensolvers are cubic). */
    public double cost() {
        return (double) n * n * n;
    }
}
