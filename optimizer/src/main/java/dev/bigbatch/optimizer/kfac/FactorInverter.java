package dev.bigbatch.optimizer.kfac;

import java.util.List;

/**
 * The seam where the periodic eigendecompositions run. {@link #ON_DRIVER} applies
 * {@link FactorEigendecomposition#decompose} to each factor in turn; a distributed implementation (spark-jobs) spreads
 * the factors over tasks with {@link InverseAssignment#assign} and applies the same function in each task.
 */
@FunctionalInterface
public interface FactorInverter {

    /** One result per factor, in the order given; a failure is a result, never an exception. */
    List<EigenResult> decompose(List<FactorMatrix> factors);

    /** Every decomposition on the calling thread. */
    FactorInverter ON_DRIVER = factors -> factors.stream().map(FactorEigendecomposition::decompose).toList();
}
