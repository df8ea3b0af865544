package dev.bigbatch.optimizer.stats;

import dev.bigbatch.optimizer.ParameterLayout;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.dataset.DataSet;

import java.util.List;

/**
 * What an executor offers a {@link ShardStatistic} for one step: its network replica, already holding the step's
 * broadcast parameters, and its share of the step's global batch as ghost batches.
 */
public interface ShardContext {
    /** The replica: a {@code MultiLayerNetwork} or {@code ComputationGraph} with this step's parameters. */
    Model network();

    ParameterLayout layout();

    /** This shard's ghost batches, augmented for training, in global order. Each is one batch-norm batch. */
    List<DataSet> ghostBatches();

    /**
     * For each ghost batch, the global example ids of its rows: a seed for any per-example randomness (e.g. sampled
     * Fisher targets) that does not depend on partitioning.
     */
    List<long[]> exampleIds();

    long step();

    long seed();

    /**
     * For each ghost batch, the network's output (the output layer's activations, [examples, nOut]) from the step's
     * own training-mode gradient pass at the step's parameters. Statistics that need the model's predictions at the
     * step's parameters (K-FAC's sampled Fisher targets) take them from here instead of running the forward pass
     * again.
     */
    List<org.nd4j.linalg.api.ndarray.INDArray> stepOutputs();

    /**
     * For each ghost batch, the summed gradient of the step's own training-mode pass at the step's parameters, as the
     * step's sums hold it: FLOAT, flat in {@link ParameterLayout} order, a new array the caller may modify. A statistic
     * whose first pass would be that same pass (the two-loop Neumann inner loop's first iteration, taken at w + μ·0)
     * takes the gradient from here instead of running the pass again. Valid whatever passes the statistics ran since.
     */
    List<org.nd4j.linalg.api.ndarray.INDArray> stepGradients();

    /**
     * Runs forward and backward on one ghost batch at the replica's current parameters and returns the summed
     * per-example gradient (a new flat array in {@link ParameterLayout} order) and the loss sum.
     */
    GradientResult gradient(DataSet ghostBatch);

    /** Sum gradient and loss of one ghost batch, plus the network's output for it. */
    record GradientResult(org.nd4j.linalg.api.ndarray.INDArray gradientSum, double lossSum,
                          org.nd4j.linalg.api.ndarray.INDArray output) {
    }
}
