package dev.bigbatch.optimizer.stats;

import dev.bigbatch.optimizer.ParameterLayout;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;

/**
 * A stand-in for an executor's {@link ShardContext}, over an in-memory network holding the step's parameters and a
 * share of the ghost batches: gradient() is DL4J's computeGradientAndScore, as an executor runs it; stepOutputs() the
 * training-mode forward pass the executor's gradient pass includes.
 */
public final class LocalShard implements ShardContext {
    private final Model net;
    private final List<DataSet> batches;
    private final List<long[]> ids;
    private final long step;
    private final long seed;
    private int gradientCalls;

    public LocalShard(Model net, List<DataSet> batches, List<long[]> ids, long step, long seed) {
        this.net = net;
        this.batches = batches;
        this.ids = ids;
        this.step = step;
        this.seed = seed;
    }

    /** The examples [from, to) of {@code all} cut into ghost batches of {@code ghost} rows, ids = row numbers. */
    public static LocalShard of(Model net, DataSet all, int from, int to, int ghost, long step, long seed) {
        List<DataSet> batches = new ArrayList<>();
        List<long[]> ids = new ArrayList<>();
        for (int s = from; s < to; s += ghost) {
            int e = Math.min(to, s + ghost);
            batches.add(new DataSet(rows(all.getFeatures(), s, e), rows(all.getLabels(), s, e)));
            long[] id = new long[e - s];
            for (int i = 0; i < id.length; i++) {
                id[i] = s + i;
            }
            ids.add(id);
        }
        return new LocalShard(net, batches, ids, step, seed);
    }

    public static INDArray rows(INDArray x, long from, long to) {
        org.nd4j.linalg.indexing.INDArrayIndex[] idx = new org.nd4j.linalg.indexing.INDArrayIndex[x.rank()];
        idx[0] = NDArrayIndex.interval(from, to);
        for (int i = 1; i < idx.length; i++) {
            idx[i] = NDArrayIndex.all();
        }
        return x.get(idx).dup();
    }

    @Override
    public Model network() {
        return net;
    }

    @Override
    public ParameterLayout layout() {
        return ParameterLayout.of(net);
    }

    @Override
    public List<DataSet> ghostBatches() {
        return batches;
    }

    @Override
    public List<long[]> exampleIds() {
        return ids;
    }

    @Override
    public long step() {
        return step;
    }

    @Override
    public long seed() {
        return seed;
    }

    /** The training-mode forward pass of each ghost batch at the current parameters, as the step's pass computes it. */
    @Override
    public List<INDArray> stepOutputs() {
        List<INDArray> out = new ArrayList<>();
        for (DataSet b : batches) {
            out.add(net instanceof MultiLayerNetwork mln ? mln.output(b.getFeatures(), true)
                    : ((ComputationGraph) net).output(true, b.getFeatures())[0]);
        }
        return out;
    }

    /**
     * The gradient pass of each ghost batch at the current parameters, as the step's pass computes it; not counted in
     * {@link #gradientCalls}, which counts the statistics' own passes.
     */
    @Override
    public List<INDArray> stepGradients() {
        List<INDArray> out = new ArrayList<>();
        for (DataSet b : batches) {
            out.add(compute(net, b).gradientSum().castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT));
        }
        return out;
    }

    /** Ghost batches already cut, ids numbered through them, step 0 and seed 0. */
    public static LocalShard of(Model net, List<DataSet> ghosts) {
        List<long[]> ids = new ArrayList<>();
        long next = 0;
        for (DataSet g : ghosts) {
            long[] id = new long[g.numExamples()];
            for (int i = 0; i < id.length; i++) {
                id[i] = next++;
            }
            ids.add(id);
        }
        return new LocalShard(net, ghosts, ids, 0, 0);
    }

    /** Calls of {@link #gradient} so far. */
    public int gradientCalls() {
        return gradientCalls;
    }

    /** What the loop adds for every step: the gradient at the broadcast parameters, summed, and the counts. */
    public void addGradientSums(StepSums sums) {
        for (DataSet ghost : batches) {
            GradientResult r = compute(net, ghost);
            sums.addGradient(r.gradientSum(), 1.0);
            sums.addExamples(ghost.numExamples(), r.lossSum(), 0, 0);
        }
    }

    @Override
    public GradientResult gradient(DataSet batch) {
        gradientCalls++;
        return compute(net, batch);
    }

    /** DL4J's forward + backward on {@code batch}: the summed gradient (flat) and loss. */
    public static GradientResult compute(Model net, DataSet batch) {
        if (net instanceof MultiLayerNetwork mln) {
            mln.setInput(batch.getFeatures());
            mln.setLabels(batch.getLabels());
            mln.computeGradientAndScore();
            return new GradientResult(mln.getFlattenedGradients().dup(), mln.score() * batch.numExamples(), null);
        }
        ComputationGraph cg = (ComputationGraph) net;
        cg.setInputs(batch.getFeatures());
        cg.setLabels(batch.getLabels());
        cg.computeGradientAndScore();
        return new GradientResult(cg.getFlattenedGradients().dup(), cg.score() * batch.numExamples(), null);
    }
}
