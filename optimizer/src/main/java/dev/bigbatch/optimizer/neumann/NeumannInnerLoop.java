package dev.bigbatch.optimizer.neumann;

import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.ParameterRole;
import dev.bigbatch.optimizer.regularization.WeightDecay;
import dev.bigbatch.optimizer.stats.ShardContext;
import dev.bigbatch.optimizer.stats.ShardStatistic;
import dev.bigbatch.optimizer.stats.StepSums;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The inner loop of the two-loop Neumann optimizer, run by executors (Krishnan et al. 2018, Algorithm 1 with the
 * convexified update of eq. 9): on each ghost batch, from m_0 = 0 and with no communication,
 * <pre>
 *   m_{k+1} = μ m_k − η ∇ĝ(w + μ m_k),   k = 0 … K_inner − 1
 * </pre>
 * where ĝ is the ghost batch's mean loss plus L2 decay (if so configured) plus the regularizer of
 * {@link NeumannRegularizer} around the driver's moving average v (shipped as its offset e = w − v, so
 * w + μm − v = e + μm). For a quadratic with Hessian H this is m_{k+1} = μ(I − ηH)m_k − η∇f̂(w): with μ = 1 it is the
 * Neumann series for −H⁻¹∇f̂ (eq. 4, 7); with μ &lt; 1 it tends to −η((1 − μ)I + μηH)⁻¹∇f̂, the paper's B̂.
 *
 * <p>The loop runs per ghost batch, not per shard: a ghost batch is a fixed part of the global batch whatever the
 * partitioning, so Σ (ghost size × m_K) and hence the driver's average do not depend on how many executors share
 * the batch. The cost is the same. Gradients are taken at the displaced weights by setting the replica's parameters;
 * the broadcast parameters are restored afterwards, also on failure. Batch-norm statistic entries of the inner
 * gradients are ignored (running statistics are updated once per step by the driver from the ordinary gradient pass).
 *
 * <p>The first iteration's point is w + μ·m_0 = w, where the step's ordinary pass has just taken the same ghost
 * batch's gradient at the same parameters in the same mode; that iteration uses it ({@link ShardContext#stepGradients})
 * rather than running the pass again, so a step costs 1 + (K_inner − 1) = K_inner forward/backward passes per example,
 * not 1 + K_inner. For FLOAT networks (all of ours) this is the same gradient to the bit; for DOUBLE networks it is
 * rounded to FLOAT, as the step's sums are.
 */
public final class NeumannInnerLoop implements ShardStatistic {
    private static final long serialVersionUID = 1L;
    /** Σ over ghost batches of (examples × m_K). */
    public static final String ITERATE = "neumann.iterate";
    /** Σ over ghost batches of examples, the weight of {@link #ITERATE}. */
    public static final String EXAMPLES = "neumann.examples";

    private final double momentum;
    private final double learningRate;
    private final int iterations;
    private final NeumannRegularizer regularizer;
    private final double l2;
    private final EnumSet<ParameterRole> decayed;
    private final float[] offset;

    /**
     * @param offset e = w − v at this step (length of the parameter vector)
     * @param l2     λ of L2 decay inside ĝ (0 for none), applied to roles in {@code decayed}
     */
    NeumannInnerLoop(double momentum, double learningRate, int iterations, NeumannRegularizer regularizer,
                     double l2, Set<ParameterRole> decayed, float[] offset) {
        this.momentum = momentum;
        this.learningRate = learningRate;
        this.iterations = iterations;
        this.regularizer = regularizer;
        this.l2 = l2;
        this.decayed = decayed.isEmpty() ? EnumSet.noneOf(ParameterRole.class) : EnumSet.copyOf(decayed);
        this.offset = offset;
    }

    @Override
    public void accumulate(ShardContext shard, StepSums sums) {
        Model net = shard.network();
        INDArray broadcast = net.params().dup();
        long[] shape = broadcast.shape();
        INDArray base = broadcast.reshape(broadcast.length());
        INDArray e = Nd4j.createFromArray(offset).castTo(base.dataType());
        List<DataSet> ghosts = shard.ghostBatches();
        List<INDArray> stepGradients = shard.stepGradients();
        try {
            for (int i = 0; i < ghosts.size(); i++) {
                DataSet ghost = ghosts.get(i);
                int n = ghost.numExamples();
                INDArray first = stepGradients.get(i).castTo(base.dataType()).reshape(base.length()).divi(n);
                INDArray m = iterate(base, e, shard.layout(), first, w -> {
                    net.setParams(w.reshape(shape));
                    // gradientSum is a new array (ShardContext's contract): divided in place, no second copy
                    return shard.gradient(ghost).gradientSum().castTo(base.dataType()).reshape(base.length()).divi(n);
                });
                sums.addExtra(ITERATE, m, n);
                sums.addExtra(EXAMPLES, Nd4j.scalar(1f).reshape(1), n);
            }
        } finally {
            net.setParams(broadcast);
        }
    }

    /**
     * The K_inner iterations from base weights w with offset e = w − v; {@code meanGradientAt} returns a new mean
     * loss gradient at the given weights, which it may only read, and only during the call (its argument is a buffer
     * that the next iteration overwrites). {@code firstGradient}, if not null, is the mean loss gradient at w itself,
     * which the first iteration (at w + μ·0) then uses instead of calling {@code meanGradientAt}; it is overwritten.
     *
     * <p>μm_k and w + μm_k go into two buffers allocated once per call rather than into new arrays every iteration.
     * The arithmetic is that of {@code m.mul(μ)} and {@code base.add(shift)}: in ND4J 1.0.0-M2.1 those are
     * {@code muli(μ, z)} and {@code addi(shift, z)} (the same {@code ScalarMultiplication} and {@code AddOp}) on a
     * new z of the array's type ({@code Shape.pickPairwiseDataType}, precision boost being off), so the results are
     * the same bits.
     */
    INDArray iterate(INDArray base, INDArray e, ParameterLayout layout, INDArray firstGradient,
                     UnaryOperator<INDArray> meanGradientAt) {
        INDArray m = Nd4j.zeros(base.dataType(), base.length());
        INDArray shift = m.ulike();
        INDArray displaced = base.ulike();
        List<ParameterLayout.Range> decayedRanges = l2 > 0 ? layout.ranges(decayed::contains) : List.of();
        List<ParameterLayout.Segment> statistics = layout.withRole(ParameterRole.NORM_STATISTIC);
        for (int k = 0; k < iterations; k++) {
            m.mul(momentum, shift);
            base.add(shift, displaced);
            INDArray d = k == 0 && firstGradient != null ? firstGradient : meanGradientAt.apply(displaced);
            for (ParameterLayout.Segment s : statistics) {
                d.get(NDArrayIndex.interval(s.offset(), s.offset() + s.length())).assign(0);
            }
            WeightDecay.addScaled(d, l2, displaced, decayedRanges);
            regularizer.addGradient(d, shift.addi(e));
            m.muli(momentum).subi(d.muli(learningRate));
        }
        return m;
    }

    /** Bytes of the array payload shipped to executors (the offset e), for task-size checks. */
    public long payloadBytes() {
        return (long) Float.BYTES * offset.length;
    }
}
