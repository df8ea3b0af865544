package dev.bigbatch.jobs.train;

import dev.bigbatch.model.NetworkSpec;
import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.ParameterRole;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;

/**
 * An executor's copy of the network, kept across steps (only parameters are reloaded) and used by one task at a
 * time. Computes a ghost batch's summed gradient, loss sum and output in one forward/backward pass.
 */
public final class Replica {
    private final ComputationGraph net;
    private final ParameterLayout layout;
    /** The batch-norm running-statistic segments of the flat parameter vector. */
    private final List<ParameterLayout.Segment> statistics;
    private final OutputCapture capture = new OutputCapture();
    private long loadedStep = Long.MIN_VALUE;
    private float[] loadedFrom;

    Replica(NetworkSpec spec) {
        this.net = spec.build();
        this.layout = ParameterLayout.of(net);
        this.statistics = layout.withRole(ParameterRole.NORM_STATISTIC);
        net.setListeners(capture);
    }

    public ComputationGraph network() {
        return net;
    }

    public ParameterLayout layout() {
        return layout;
    }

    /** Loads the step's parameters unless this replica already holds them. */
    void load(long step, float[] params) {
        if (step == loadedStep && params == loadedFrom) {
            return;
        }
        if (params.length != layout.size()) {
            throw new IllegalStateException("broadcast has " + params.length + " parameters, model " + layout.size());
        }
        net.setParams(Nd4j.createFromArray(params));
        loadedStep = step;
        loadedFrom = params;
    }

    /**
     * One forward/backward pass in training mode. The gradient is per-example gradients summed (DL4J leaves the
     * division by the batch size to its updater) and, for batch-norm running statistics, n × DL4J's delta, so that all
     * entries are sums over examples.
     *
     * <p>The gradient is not a copy: it is the network's own flat gradient buffer ({@code ComputationGraph}'s
     * {@code flattenedGradients}, which every layer's gradient view points into; DL4J 1.0.0-M2.1), valid until the
     * next pass on this replica. Each pass writes every entry of it afresh, as the output of the layers' backward ops
     * (batch-norm statistic deltas as the output of a subtraction), never adding to what was there; so scaling the
     * statistic entries in place here leaves nothing behind for the next pass ({@code ReplicaTest} would see a second
     * pass's gradient grow otherwise). A caller that keeps the gradient past the next pass copies it.
     */
    GradientPass gradient(INDArray features, INDArray labels) {
        net.setInputs(features);
        net.setLabels(labels);
        net.computeGradientAndScore();
        long n = features.size(0);
        INDArray g = net.gradient().gradient(); // a rank-1 view of the whole buffer
        // BN statistic deltas are per batch, not per example: weight them by the batch size like everything else,
        // in place on their segments (views), with no parameter-sized temporary.
        for (ParameterLayout.Segment seg : statistics) {
            g.get(NDArrayIndex.interval(seg.offset(), seg.offset() + seg.length())).muli(n);
        }
        INDArray out = capture.output;
        capture.output = null;
        net.clearLayersStates();
        return new GradientPass(g, net.score() * n, out);
    }

    /**
     * @param gradientSum the replica's gradient buffer, valid until its next pass (see {@link #gradient})
     * @param output      the output layer's activations, a detached array of its own
     */
    record GradientPass(INDArray gradientSum, double lossSum, INDArray output) {
    }

    /** Keeps the output layer's activations of the pass (DL4J computes the score without returning them). */
    private static final class OutputCapture extends BaseTrainingListener {
        INDArray output;

        @Override
        public void onBackwardPass(Model model) {
            Layer outLayer = ((ComputationGraph) model).getOutputLayer(0);
            output = outLayer.activate(false, LayerWorkspaceMgr.noWorkspaces()).detach();
        }
    }
}
