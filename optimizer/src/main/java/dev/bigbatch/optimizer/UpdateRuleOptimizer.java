package dev.bigbatch.optimizer;

import dev.bigbatch.optimizer.regularization.WeightDecay;
import dev.bigbatch.optimizer.schedule.LearningRateSchedule;
import dev.bigbatch.optimizer.state.OptimizerState;
import dev.bigbatch.optimizer.stats.StepSums;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The shared step of first-order rules; subclasses supply only the rule ({@link #update}) and its state.
 *
 * <p>One step t, with ḡ the mean gradient over the step's global batch:
 * <ol>
 *   <li>batch-norm running statistics: w_s ← w_s − ḡ_s (the mean DL4J delta), and ḡ_s ← 0;</li>
 *   <li>clipping by global norm: ḡ ← ḡ · min(1, c / ‖ḡ‖) when {@code clip-norm} c &gt; 0
 *       (Pascanu et al. 2013, §3.2, the norm-clipping pseudo-code);</li>
 *   <li>L2 weight decay (if so configured): ḡ ← ḡ + λ w;</li>
 *   <li>Δ = rule(ḡ, η_t, t); w ← w − Δ − (decoupled decay η_t λ w_{t−1}, if so configured);</li>
 * </ol>
 * The step allocates no parameter-sized arrays of its own (the mean gradient goes into a buffer reused across steps,
 * batch-norm statistics and weight decay act in place on views of their segments): allocating and first touching a
 * 100 MB array costs more than the arithmetic of a whole step on a ResNet-50-sized vector.
 */
public abstract class UpdateRuleOptimizer implements Optimizer {
    protected final ParameterLayout layout;
    protected final LearningRateSchedule schedule;
    protected final WeightDecay weightDecay;
    protected final double clipNorm;
    /** State scalar: the step the learning-rate schedule starts at, when not 0. */
    public static final String SCHEDULE_ORIGIN = "schedule-origin";
    /** State scalar: {@link #stepCount()}. */
    public static final String STEP = "step";
    private final List<ParameterLayout.Segment> statistics;
    private final List<ParameterLayout.Range> decayed;
    private INDArray gradient;
    private INDArray castGradient;
    protected long step;
    /** The step at which the learning-rate schedule starts ({@link #restartLearningRateSchedule}); 0 in a new run. */
    private long scheduleOrigin;

    protected UpdateRuleOptimizer(ParameterLayout layout, LearningRateSchedule schedule, WeightDecay weightDecay,
                                  double clipNorm) {
        this.layout = layout;
        this.schedule = schedule;
        this.weightDecay = weightDecay;
        this.clipNorm = clipNorm;
        this.statistics = layout.withRole(ParameterRole.NORM_STATISTIC);
        this.decayed = weightDecay.decayedRanges(layout);
    }

    @Override
    public final long stepCount() {
        return step;
    }

    @Override
    public final StepReport step(INDArray params, StepSums sums) {
        INDArray g = meanGradient(sums, params);
        INDArray w = flat(params);
        applyStatisticDeltas(w, g, statistics);
        double gradNorm = g.norm2Number().doubleValue();
        if (clipNorm > 0 && gradNorm > clipNorm) {
            g.muli(clipNorm / gradNorm);
        }
        weightDecay.addToGradient(g, w, decayed);
        double lr = learningRate(step);
        beforeUpdate(sums);
        INDArray delta = update(g, lr, step);
        zero(delta, statistics);
        // The rules never see w, so it is still w_{t−1} here: decoupled decay is taken from the weights before the step.
        weightDecay.addDecoupled(delta, w, decayed, lr);
        afterUpdate(delta);
        w.subi(delta);
        step++;
        return new StepReport(lr, gradNorm, delta.norm2Number().doubleValue());
    }

    /** η at {@code step}: the schedule, counted from where it last started ({@link #restartLearningRateSchedule}). */
    protected final double learningRate(long step) {
        return schedule.at(step - scheduleOrigin);
    }

    @Override
    public final void restartLearningRateSchedule() {
        scheduleOrigin = step;
    }

    /**
     * Σg / count in buffers reused across steps: divided in FLOAT, the type of the sums (as
     * {@link StepSums#meanGradient} does), then cast for parameters of another type.
     */
    private INDArray meanGradient(StepSums sums, INDArray params) {
        float[] sum = sums.gradientSum();
        if (sum == null || sums.count() == 0) {
            return sums.meanGradient(); // throws: nothing was aggregated
        }
        if (sum.length != params.length()) {
            throw new IllegalArgumentException("gradient has " + sum.length + " values, parameters " + params.length());
        }
        if (gradient == null) {
            gradient = Nd4j.create(DataType.FLOAT, sum.length);
        }
        gradient.data().setData(sum);
        gradient.divi(sums.count());
        if (params.dataType() == DataType.FLOAT) {
            return gradient;
        }
        if (castGradient == null || castGradient.dataType() != params.dataType()) {
            castGradient = Nd4j.create(params.dataType(), sum.length);
        }
        return castGradient.assign(gradient);
    }

    /** A rank-1 view of the parameter vector (DL4J holds it as a 1 × n row). */
    private static INDArray flat(INDArray params) {
        if (params.rank() == 1) {
            return params;
        }
        INDArray v = Shape.newShapeNoCopy(params, new long[]{params.length()}, false);
        if (v == null) {
            throw new IllegalArgumentException("parameters must be a contiguous vector, found shape "
                    + java.util.Arrays.toString(params.shape()));
        }
        return v;
    }

    /** Sets the entries of {@code segments} to 0 in the flat vector {@code v}. */
    private static void zero(INDArray v, List<ParameterLayout.Segment> segments) {
        for (ParameterLayout.Segment s : segments) {
            v.get(NDArrayIndex.interval(s.offset(), s.offset() + s.length())).assign(0);
        }
    }

    /**
     * Subtracts the mean batch-norm running-statistic deltas from the flat parameter vector {@code params} and
     * zeroes them in {@code g}, segment by segment. Shared with optimizers that do not extend this class.
     */
    public static void applyStatisticDeltas(INDArray params, INDArray g, List<ParameterLayout.Segment> statistics) {
        for (ParameterLayout.Segment s : statistics) {
            INDArrayIndex range = NDArrayIndex.interval(s.offset(), s.offset() + s.length());
            params.get(range).subi(g.get(range));
            g.get(range).assign(0);
        }
    }

    /**
     * The rule: returns Δ with w ← w − Δ for gradient {@code g} (already clipped and L2-regularized; entries of
     * non-trainable parameters are zero) at learning rate {@code lr}. {@code g} is a buffer of this class reused
     * every step: the rule may overwrite and return it, but must not keep it. Entries of Δ at batch-norm statistics
     * are set to 0 afterwards.
     */
    protected abstract INDArray update(INDArray g, double lr, long step);

    /**
     * Called once per step before {@link #update}, with the step's aggregated sums, for rules that consume
     * statistics beyond the gradient (e.g. executor-computed iterates in {@link StepSums#extras()}). Default: nothing.
     */
    protected void beforeUpdate(StepSums sums) {
    }

    /**
     * Called once per step with the exact change about to be applied, w ← w − {@code delta} (the rule's Δ masked to
     * trainable parameters, plus any decoupled decay), for rules that track the weights themselves (e.g. a moving
     * average). Must not modify {@code delta}. Default: nothing.
     */
    protected void afterUpdate(INDArray delta) {
    }

    /** Writes the rule's own arrays and scalars; the step counter is written by this class. */
    protected abstract void saveRuleState(OptimizerState state);

    protected abstract void restoreRuleState(OptimizerState state);

    @Override
    public final OptimizerState state() {
        return write(new OptimizerState(name()));
    }

    private OptimizerState write(OptimizerState s) {
        s.put(STEP, step);
        if (scheduleOrigin != 0) { // only written when set, so states of runs that never restarted it are unchanged
            s.put(SCHEDULE_ORIGIN, scheduleOrigin);
        }
        saveRuleState(s);
        return s;
    }

    /**
     * {@inheritDoc}
     *
     * <p>A state with entries the rule leaves unused is refused, as a config reader refuses unknown keys: after
     * restoring, every array and scalar of {@code state} must be one this optimizer writes back ({@link #state()}).
     * Otherwise the state was written under other settings (e.g. single-loop Neumann's m and reset schedule, offered to
     * a two-loop optimizer, which would silently drop them along with the displacement of the weights they belong to).
     */
    @Override
    public final void restore(OptimizerState state) {
        state.expect(name());
        step = state.getLong(STEP);
        scheduleOrigin = state.longs().getOrDefault(SCHEDULE_ORIGIN, 0L);
        restoreRuleState(state);
        OptimizerState kept = write(OptimizerState.view(name()));
        Set<String> unused = new TreeSet<>();
        state.arrays().keySet().stream().filter(k -> !kept.hasArray(k)).forEach(unused::add);
        // An explicit schedule-origin = 0 means what its absence does (state() leaves it out).
        state.longs().keySet().stream().filter(k -> !kept.longs().containsKey(k) && !k.equals(SCHEDULE_ORIGIN))
                .forEach(unused::add);
        state.doubles().keySet().stream().filter(k -> !kept.doubles().containsKey(k)).forEach(unused::add);
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException(name() + " state has entries this " + name() + " optimizer, as "
                    + "configured, does not use: " + unused + "; it was written by a differently configured one");
        }
    }
}
