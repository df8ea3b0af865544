package dev.bigbatch.optimizer.neumann;

import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.ParameterRole;
import dev.bigbatch.optimizer.TrainingShape;
import dev.bigbatch.optimizer.UpdateRuleOptimizer;
import dev.bigbatch.optimizer.regularization.WeightDecay;
import dev.bigbatch.optimizer.state.OptimizerState;
import dev.bigbatch.optimizer.stats.HostCopy;
import dev.bigbatch.optimizer.stats.StepRequest;
import dev.bigbatch.optimizer.stats.StepSums;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.EnumSet;
import java.util.List;

/**
 * The two-loop Neumann optimizer (Krishnan et al. 2018, Algorithm 1 with the convexified inner update of eq. 9 and
 * the regularizer, moving average and schedules of Algorithm 2): executors compute the inner iterates
 * ({@link NeumannInnerLoop}), the driver averages them and steps. After the same SGD warm-up, each step t:
 * <pre>
 *   m̄_t = Σ_ghost n_g m_K^(g) / Σ_ghost n_g      (executors: K_inner iterations per ghost batch at w_t)
 *   w_{t+1} = w_t + m̄_t
 *   v_{t+1} = w_{t+1} + γ(v_t − w_{t+1})
 * </pre>
 * The stored weights are the true weights (the inner loop's displacement never leaves the executors), so they are
 * evaluated as they are. The gradient the loop computes at w_t serves the batch-norm statistics, the reported norm,
 * the warm-up and the inner loop's first iteration (at w_t + μ·0); the step itself comes from the iterates. Decoupled decay is applied by the driver as for any rule;
 * L2 decay is part of ĝ inside the inner loop.
 */
public final class TwoLoopNeumannOptimizer extends UpdateRuleOptimizer {
    private final NeumannConfig config;
    private final NeumannSchedule clock;
    private final NeumannRegularizer regularizer;
    private final AverageOffset average;
    private INDArray meanIterate;
    private INDArray iterateBuffer;

    public TwoLoopNeumannOptimizer(NeumannConfig config, ParameterLayout layout, TrainingShape shape) {
        super(layout, config.common().schedule().create(shape), config.common().weightDecay(),
                config.common().clipNorm());
        this.config = config;
        this.clock = new NeumannSchedule(config, shape);
        this.regularizer = new NeumannRegularizer(config.cubic(), config.repulsive(layout));
        this.average = new AverageOffset(config.movingAverage());
    }

    @Override
    public String name() {
        return NeumannConfig.NAME;
    }

    /** Gradient only during warm-up; afterwards the inner loop, with this step's μ, η and e = w − v. */
    @Override
    public StepRequest request() {
        long step = stepCount();
        if (clock.inWarmup(step)) {
            return StepRequest.gradientOnly();
        }
        WeightDecay wd = config.common().weightDecay();
        double l2 = wd.enabled() && wd.mode().equals("l2") ? wd.coefficient() : 0;
        EnumSet<ParameterRole> decayed = EnumSet.complementOf(EnumSet.copyOf(wd.exclude()));
        average.ensure(layout.size(), org.nd4j.linalg.api.buffer.DataType.FLOAT);
        float[] offset = HostCopy.floats(average.offset());
        return new StepRequest(List.of(new NeumannInnerLoop(clock.momentum(clock.neumannStep(step)),
                learningRate(step), config.innerIterations(), regularizer, l2, decayed, offset)));
    }

    @Override
    protected void beforeUpdate(StepSums sums) {
        meanIterate = null;
        if (clock.inWarmup(stepCount())) {
            return;
        }
        float[] sum = sums.extraSum(NeumannInnerLoop.ITERATE);
        float[] examples = sums.extraSum(NeumannInnerLoop.EXAMPLES);
        if (sum == null || examples == null || !(examples[0] > 0)) {
            throw new IllegalStateException("step " + stepCount() + ": executors returned no Neumann inner-loop "
                    + "iterates; the loop must run the statistics of request() on every step");
        }
        if (iterateBuffer == null || iterateBuffer.length() != sum.length) {
            iterateBuffer = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, sum.length);
        }
        iterateBuffer.data().setData(sum);
        meanIterate = iterateBuffer.divi(examples[0]);
    }

    @Override
    protected INDArray update(INDArray g, double lr, long step) {
        average.ensure(g.length(), g.dataType());
        if (meanIterate == null) {
            return g.muli(lr);
        }
        if (meanIterate.length() != g.length()) {
            throw new IllegalArgumentException("Neumann iterate has " + meanIterate.length() + " values, parameters "
                    + g.length());
        }
        // −m̄ in place: in the iterate buffer, or cast into g's buffer when the parameters are not FLOAT.
        return (meanIterate.dataType() == g.dataType() ? meanIterate : g.assign(meanIterate)).negi();
    }

    @Override
    protected void afterUpdate(INDArray delta) {
        average.track(delta, clock.inWarmup(stepCount()));
    }

    @Override
    protected void saveRuleState(OptimizerState state) {
        if (average.offset() != null) {
            state.put(AverageOffset.STATE, average.offset());
        }
    }

    @Override
    protected void restoreRuleState(OptimizerState state) {
        average.restore(state.hasArray(AverageOffset.STATE) ? state.array(AverageOffset.STATE) : null);
    }
}
