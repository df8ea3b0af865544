package dev.bigbatch.optimizer.neumann;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;

/**
 * The convexifying terms of the Neumann optimizer (Krishnan et al. 2018, §3.1): the regularized objective
 * ĝ(w) = f̂(w) + (α/3)‖w − v‖³ + β/‖w − v‖ around the moving average v of the weights, whose gradient (eq. 8) adds
 * <pre>
 *   (α‖w − v‖² − β/‖w − v‖²) (w − v)/‖w − v‖  =  c(r) (w − v),   c(r) = α r − β / r³,   r = ‖w − v‖
 * </pre>
 * The norm is over all trainable parameters together, one vector, not per tensor; callers pass w − v with zeros at
 * batch-norm statistics, which are not trained. Used by the driver (single-loop) and by executors (two-loop).
 */
public final class NeumannRegularizer implements Serializable {
    private static final long serialVersionUID = 1L;
    private final double cubic;
    private final double repulsive;

    /**
     * @param cubic     α
     * @param repulsive β (already scaled by the number of trainable parameters)
     */
    public NeumannRegularizer(double cubic, double repulsive) {
        this.cubic = cubic;
        this.repulsive = repulsive;
    }

    /**
     * c(r). At r = 0 the direction (w − v)/r is undefined and the repulsive force infinite; this happens when w has
     * not moved from v (the first step after v_0 = w_0, or a zero gradient). The terms are then left out (c = 0), as
     * they are when r is so small that c overflows.
     */
    double coefficient(double r) {
        if (r == 0) {
            return 0;
        }
        double c = cubic * r - repulsive / (r * r * r);
        return Double.isFinite(c) ? c : 0;
    }

    /** d ← d + c(‖offset‖) offset, in place, with offset = w − v. Returns ‖offset‖. */
    public double addGradient(INDArray d, INDArray offset) {
        double r = offset.norm2Number().doubleValue();
        double c = coefficient(r);
        if (c != 0) {
            Nd4j.getBlasWrapper().level1().axpy(d.length(), c, offset, d);
        }
        return r;
    }
}
