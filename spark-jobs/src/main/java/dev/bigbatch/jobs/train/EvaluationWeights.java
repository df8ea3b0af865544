package dev.bigbatch.jobs.train;

import dev.bigbatch.optimizer.Optimizer;
import dev.bigbatch.optimizer.ParameterLayout;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.PrintStream;

/**
 * The weights a run evaluates and exports after a step: the optimizer's evaluation weights
 * ({@link Optimizer#evaluationParameters}), and, when these are not the weights it stores (Neumann's u = w − μm) and
 * {@code train.batch-norm-recalibration} is on, with batch-norm running statistics recalibrated at them
 * ({@link BatchNormRecalibration}) instead of those training gathered at the stored weights. For optimizers that
 * evaluate what they store it is their stored weights, as they are: their statistics were gathered at those weights.
 *
 * <p>Computed at most once per step, whoever asks first (a checkpoint, an evaluation, the end of the run). Neither the
 * stored parameters nor the optimizer are changed, so training goes on as if nothing had been computed.
 */
final class EvaluationWeights {
    private final Optimizer optimizer;
    private final ParameterLayout layout;
    private final BatchNormRecalibration recalibration;
    private final PrintStream console;
    private boolean announced;
    private long step = -1;
    private INDArray weights;
    private INDArray statistics;

    /** @param recalibration null: evaluation weights as the optimizer gives them */
    EvaluationWeights(Optimizer optimizer, ParameterLayout layout, BatchNormRecalibration recalibration,
                      PrintStream console) {
        this.optimizer = optimizer;
        this.layout = layout;
        this.recalibration = recalibration;
        this.console = console;
    }

    /** The weights to evaluate and export when the stored parameters after {@code step} steps are {@code params}. */
    INDArray at(long step, INDArray params) {
        compute(step, params);
        return weights;
    }

    /**
     * The running statistics recalibrated for {@link #at}, packed as {@link BatchNormRecalibration#install} takes
     * them; null when the weights keep the stored statistics.
     */
    INDArray recalibratedStatistics(long step, INDArray params) {
        compute(step, params);
        return statistics;
    }

    private void compute(long step, INDArray params) {
        if (step == this.step) {
            return;
        }
        INDArray u = optimizer.evaluationParameters(params);
        statistics = null;
        if (recalibration != null && u != params) {
            statistics = recalibration.statistics(u, step);
            u = BatchNormRecalibration.install(u, layout, statistics);
            if (!announced) {
                console.printf("  batch-norm statistics recalibrated at the evaluation weights (%s evaluates other "
                                + "weights than it trains at) over %,d ghost batches (%,d training examples)%n",
                        optimizer.name(), recalibration.ghostBatches(), recalibration.examples());
                announced = true;
            }
        }
        weights = u;
        this.step = step;
    }
}
