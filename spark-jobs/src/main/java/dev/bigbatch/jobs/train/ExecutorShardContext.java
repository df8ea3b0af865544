package dev.bigbatch.jobs.train;

import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.stats.ShardContext;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

/**
 * The {@link ShardContext} an optimizer's {@code ShardStatistic} sees: the executor's replica at this step's
 * parameters and one ghost batch. Statistics are evaluated per ghost batch so that their sums, like the gradient's,
 * follow the ghost-batch tree and do not depend on partitioning.
 */
final class ExecutorShardContext implements ShardContext {
    private final Replica replica;
    private final GhostBatch ghost;
    private final long step;
    private final long seed;
    private final INDArray stepOutput;
    private final float[] stepGradient;

    /**
     * @param stepOutput   the network's output from the step's gradient pass on {@code ghost}
     * @param stepGradient that pass's summed gradient as the ghost batch's sums hold it (read, never written: the
     *                     statistics add extras to the sums, not to the gradient)
     */
    ExecutorShardContext(Replica replica, GhostBatch ghost, long step, long seed, INDArray stepOutput,
                         float[] stepGradient) {
        this.replica = replica;
        this.ghost = ghost;
        this.step = step;
        this.seed = seed;
        this.stepOutput = java.util.Objects.requireNonNull(stepOutput, "stepOutput");
        this.stepGradient = java.util.Objects.requireNonNull(stepGradient, "stepGradient");
    }

    @Override
    public Model network() {
        return replica.network();
    }

    @Override
    public ParameterLayout layout() {
        return replica.layout();
    }

    @Override
    public List<DataSet> ghostBatches() {
        return List.of(ghost.data());
    }

    @Override
    public List<long[]> exampleIds() {
        return List.<long[]>of(ghost.ids());
    }

    @Override
    public List<INDArray> stepOutputs() {
        return List.of(stepOutput);
    }

    /** A new array each call, copied from the ghost batch's sum (the replica's buffer may hold a later pass). */
    @Override
    public List<INDArray> stepGradients() {
        return List.of(Nd4j.createFromArray(stepGradient));
    }

    @Override
    public long step() {
        return step;
    }

    @Override
    public long seed() {
        return seed;
    }

    @Override
    public GradientResult gradient(DataSet batch) {
        Replica.GradientPass p = replica.gradient(batch.getFeatures(), batch.getLabels());
        // ShardContext promises a new array; the pass's gradient is the replica's buffer, reused by the next pass.
        return new GradientResult(p.gradientSum().dup(), p.lossSum(), p.output());
    }
}
