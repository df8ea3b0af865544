package dev.bigbatch.optimizer.kfac;

import java.io.Serializable;

/**
 * The eigendecomposition M = Q diag(s) Qᵀ of one {@link FactorMatrix}, or why it failed. Failures are data, not
 * exceptions, so a distributed run reports them without failing its job.
 *
 * @param name         the factor's key
 * @param eigenvalues  s (ascending), or null on failure
 * @param eigenvectors Q row-major n×n, eigenvector j in column j, or null on failure
 * @param failure      null on success, else the reason
 */
public record EigenResult(String name, double[] eigenvalues, double[] eigenvectors, String failure)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public static EigenResult success(String name, double[] eigenvalues, double[] eigenvectors) {
        return new EigenResult(name, eigenvalues, eigenvectors, null);
    }

    public static EigenResult failed(String name, String failure) {
        return new EigenResult(name, null, null, failure);
    }

    public boolean ok() {
        return failure == null;
    }
}
