package dev.bigbatch.optimizer.kfac;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One refresh of the blocks' eigendecompositions, and what happens when one fails.
 *
 * <p>A block takes new eigendecompositions only when both of its factors decompose, so A and G always come from the
 * same refresh. A block whose factors fail (non-finite entries, or LAPACK reporting an error) is retried once with the
 * damping λ added to both diagonals, i.e. with raised damping; if that fails too, the block keeps its last good
 * decompositions, or, having none yet, takes the first-order update until a later refresh succeeds. Every failure is
 * logged; none can put a NaN into the parameters.
 */
final class EigenRefresh {
    private static final Logger LOG = LoggerFactory.getLogger(EigenRefresh.class);

    private EigenRefresh() {
    }

    /** Refreshes every block that has factor averages; returns the blocks that could not be refreshed. */
    static List<KroneckerFactors> run(Collection<KroneckerFactors> blocks, FactorInverter inverter, double damping,
                                      long step) {
        List<KroneckerFactors> failed = attempt(blocks, inverter, 0.0, step);
        if (!failed.isEmpty() && damping > 0) {
            List<KroneckerFactors> retried = attempt(failed, inverter, damping, step);
            failed.stream().filter(b -> !retried.contains(b)).forEach(b -> LOG.warn(
                    "K-FAC step {}: {} decomposed after adding the damping {} to both factors' diagonals", step, b.id(),
                    damping));
            failed = retried;
        }
        for (KroneckerFactors b : failed) {
            if (b.hasEigen()) {
                LOG.warn("K-FAC step {}: {} keeps its previous inverse", step, b.id());
            } else {
                LOG.warn("K-FAC step {}: {} has no inverse yet and takes the first-order update until a refresh "
                        + "succeeds", step, b.id());
            }
        }
        return failed;
    }

    /** One round of decompositions at diagonal shift {@code shift}; returns the blocks that failed. */
    private static List<KroneckerFactors> attempt(Collection<KroneckerFactors> blocks, FactorInverter inverter,
                                                  double shift, long step) {
        List<FactorMatrix> work = new ArrayList<>();
        List<KroneckerFactors> involved = new ArrayList<>();
        for (KroneckerFactors b : blocks) {
            FactorMatrix[] m = b.factorMatrices(shift);
            if (m != null) {
                work.add(m[0]);
                work.add(m[1]);
                involved.add(b);
            }
        }
        if (work.isEmpty()) {
            return new ArrayList<>();
        }
        List<EigenResult> results = inverter.decompose(work);
        if (results.size() != work.size()) {
            throw new IllegalStateException("factor inverter returned " + results.size() + " results for "
                    + work.size() + " factors");
        }
        Map<String, EigenResult> byName = new HashMap<>();
        for (int i = 0; i < work.size(); i++) {
            if (!results.get(i).name().equals(work.get(i).name())) {
                throw new IllegalStateException("factor inverter returned " + results.get(i).name() + " in place of "
                        + work.get(i).name());
            }
            byName.put(results.get(i).name(), results.get(i));
        }
        List<KroneckerFactors> failed = new ArrayList<>();
        for (KroneckerFactors b : involved) {
            EigenResult ra = byName.get(b.id().inputKey());
            EigenResult rg = byName.get(b.id().outputKey());
            if (ra.ok() && rg.ok()) {
                b.setEigen(ra, rg);
            } else {
                failed.add(b);
                LOG.warn("K-FAC step {}: eigendecomposition of {} failed{}: {}", step, b.id(),
                        shift > 0 ? " with diagonal shift " + shift : "", ra.ok() ? rg.failure() : ra.failure());
            }
        }
        return failed;
    }
}
