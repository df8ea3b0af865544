package dev.bigbatch.optimizer.neumann;

import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.TrainingShape;
import dev.bigbatch.optimizer.UpdateRuleOptimizer;
import dev.bigbatch.optimizer.state.OptimizerState;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.NesterovsUpdater;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The Neumann optimizer as published: Krishnan, Xiao &amp; Saurous 2018, Algorithm 2, run by the driver. After
 * {@code sgd-warmup-epochs} of plain SGD, each step t with mean gradient ∇f̂ (taken at the stored weights w_t):
 * <pre>
 *   d_t = ∇f̂ + (α‖w_t − v_t‖² − β/‖w_t − v_t‖²)(w_t − v_t)/‖w_t − v_t‖        (line 9, eq. 8)
 *   m_t = μ(t) m_{t−1} − η(t) d_t                                              (line 10)
 *   w_t = w_{t−1} + μ(t) m_t − η(t) d_t                                        (line 11)
 *   v_t = w_t + γ(v_{t−1} − w_t)                                               (line 12)
 * </pre>
 * On the first Neumann step and every K steps after it (K doubling after each reset) m is reset (line 7:
 * m_t = −η ∇f̂, i.e. m_{t−1} = 0 and d_t = ∇f̂ without the regularizer; lines 11–12 then run as usual, which keeps
 * the stored weights equal to the true weights plus μm).
 *
 * <p>The stored weights are displaced, w_t = u_t + μ(t)m_t, where u are the weights the method converges on: the
 * paper returns w_T − μ(T)m_T (line 13). {@link #evaluationParameters} returns exactly that, and it is what must be
 * evaluated and exported; the displaced w is only where gradients are taken.
 *
 * <p>Lines 10–11 are Nesterov momentum in the form of Sutskever et al. 2013, so they run as one fused ND4J op
 * ({@code nesterovs_updater}: m ← μm − ηd and Δ = μm_{t−1} − (1 + μ)m_t, with w ← w − Δ = w + μm_t − ηd). The
 * norms are over all trainable parameters together; β = {@code repulsive-regularizer-per-parameter} × their number.
 * Shared with every first-order rule: batch-norm statistic deltas, clipping (of ∇f̂) and weight decay (L2 adds λw to
 * ∇f̂ at the stored weights, as an L2 loss term would; decoupled decay acts on the stored weights).
 *
 * <p>Where the listing leaves room, we read it literally and say so: v_0 = w_0 is taken at the very first step and
 * v is not updated during the SGD warm-up (lines 1–2), so the warm-up's progress is the initial ‖w − v‖ (with the
 * paper's β = 10⁻⁵n the repulsive force β/‖w − v‖² would be enormous if v started on w); μ(t)'s t counts epochs (the
 * paper's unit of time, §4), see {@link NeumannSchedule}; η(t) is the shared schedule rather than the paper's
 * η ∝ 1/t (§3.1), so that all optimizers compare under the same schedule.
 */
public final class NeumannOptimizer extends UpdateRuleOptimizer {
    static final String ITERATE = "neumann-iterate";
    static final String RESET_PERIOD = "reset-period";
    private final NeumannSchedule clock;
    private final NeumannRegularizer regularizer;
    private final AverageOffset average;
    private final int resetGrowth;
    private INDArray iterate;
    private long resetPeriod;
    private long nextReset;
    private long resets;

    public NeumannOptimizer(NeumannConfig config, ParameterLayout layout, TrainingShape shape) {
        super(layout, config.common().schedule().create(shape), config.common().weightDecay(),
                config.common().clipNorm());
        this.clock = new NeumannSchedule(config, shape);
        this.regularizer = new NeumannRegularizer(config.cubic(), config.repulsive(layout));
        this.average = new AverageOffset(config.movingAverage());
        this.resetGrowth = config.resetGrowth();
    }

    @Override
    public String name() {
        return NeumannConfig.NAME;
    }

    @Override
    protected INDArray update(INDArray g, double lr, long step) {
        average.ensure(g.length(), g.dataType());
        if (clock.inWarmup(step)) {
            return g.muli(lr);
        }
        long s = clock.neumannStep(step);
        if (iterate == null) {
            iterate = Nd4j.zeros(g.dataType(), g.length());
        }
        if (s == 0 || s == nextReset) {
            reset(s);
            iterate.assign(0);
        } else {
            regularizer.addGradient(g, average.offset());
        }
        // Lines 10–11 in one pass; g becomes Δ with w ← w − Δ.
        Nd4j.exec(new NesterovsUpdater(g, iterate, lr, clock.momentum(s)));
        return g;
    }

    /** Schedules the next reset: K after the first Neumann step, then K grows by the growth factor each reset. */
    private void reset(long s) {
        if (s == 0) {
            resetPeriod = clock.firstResetPeriod();
        } else {
            resets++;
            resetPeriod = saturatedMultiply(resetPeriod, resetGrowth);
        }
        nextReset = s > Long.MAX_VALUE - resetPeriod ? Long.MAX_VALUE : s + resetPeriod;
    }

    private static long saturatedMultiply(long a, long b) {
        return a > Long.MAX_VALUE / b ? Long.MAX_VALUE : a * b;
    }

    @Override
    protected void afterUpdate(INDArray delta) {
        average.track(delta, clock.inWarmup(stepCount()));
    }

    /** w − μ(T)m_T, with T the last step taken (Algorithm 2, line 13); the stored weights when no Neumann step ran. */
    @Override
    public INDArray evaluationParameters(INDArray params) {
        if (iterate == null || stepCount() <= clock.warmupSteps()) {
            return params;
        }
        double mu = clock.momentum(clock.neumannStep(stepCount() - 1));
        INDArray out = params.dup();
        Nd4j.getBlasWrapper().level1().axpy(out.length(), -mu, iterate.reshape(out.shape()), out);
        return out;
    }

    /** Resets of m so far (not counting the start of the Neumann phase). */
    public long resets() {
        return resets;
    }

    /** The current period K between resets, in steps (0 before the Neumann phase). */
    public long resetPeriod() {
        return resetPeriod;
    }

    @Override
    protected void saveRuleState(OptimizerState state) {
        if (average.offset() != null) {
            state.put(AverageOffset.STATE, average.offset());
        }
        if (iterate != null) {
            state.put(ITERATE, iterate);
        }
        state.put(RESET_PERIOD, resetPeriod);
        state.put("next-reset", nextReset);
        state.put("resets", resets);
    }

    @Override
    protected void restoreRuleState(OptimizerState state) {
        if (!state.longs().containsKey(RESET_PERIOD)) {
            // Every single-loop state has it, from step 0 on; the two-loop mode writes none (nor m).
            throw new IllegalArgumentException(name() + " state has no '" + RESET_PERIOD + "', which every state of "
                    + "mode = " + NeumannConfig.SINGLE_LOOP + " has: it was written in mode = " + NeumannConfig.TWO_LOOP);
        }
        average.restore(state.hasArray(AverageOffset.STATE) ? state.array(AverageOffset.STATE) : null);
        iterate = state.hasArray(ITERATE) ? state.array(ITERATE) : null;
        resetPeriod = state.getLong(RESET_PERIOD);
        nextReset = state.getLong("next-reset");
        resets = state.getLong("resets");
    }
}
