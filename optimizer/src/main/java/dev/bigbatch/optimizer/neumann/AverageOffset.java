package dev.bigbatch.optimizer.neumann;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The moving average v of the weights (Algorithm 2, lines 1 and 12: v_0 = w_0, v_t = w_t + γ(v_{t−1} − w_t)), held as
 * its offset e = w − v from the weights, which is what the regularizer needs and what executors can turn back into v
 * from the broadcast weights. For each change w ← w − Δ:
 * <pre>
 *   SGD warm-up (v not updated, line 2):   e ← e − Δ
 *   Neumann step (line 12):                e ← γ(e − Δ)       since w_t − v_t = γ(w_t − v_{t−1})
 * </pre>
 * Entries of batch-norm statistics stay 0: their Δ from the rule is 0 and their running-statistic updates are not
 * optimizer steps (v is only defined for trainable weights).
 */
final class AverageOffset {
    static final String STATE = "average-offset";
    private final double gamma;
    private INDArray offset;

    AverageOffset(double gamma) {
        this.gamma = gamma;
    }

    /** Starts at e = 0 (v_0 = w_0) on the first step. */
    void ensure(long length, DataType type) {
        if (offset == null) {
            offset = Nd4j.zeros(type, length);
        }
    }

    /** e = w − v, or null before the first step. */
    INDArray offset() {
        return offset;
    }

    void track(INDArray delta, boolean warmup) {
        Nd4j.getBlasWrapper().level1().axpy(offset.length(), -1.0, delta, offset);
        if (!warmup) {
            offset.muli(gamma);
        }
    }

    void restore(INDArray saved) {
        offset = saved;
    }
}
