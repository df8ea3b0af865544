package dev.bigbatch.jobs.train;

import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.ParameterRole;
import dev.bigbatch.optimizer.stats.StepSums;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The batch statistics of every batch-norm layer in one training-mode forward pass, packed like the network's running
 * statistics: one float per entry of the {@link ParameterRole#NORM_STATISTIC} segments, in flat-vector order, the
 * batch mean μ_B = mean(x) at a layer's {@code mean} entries and the batch variance σ²_B = mean((x − μ_B)²) at its
 * {@code var} or {@code log10stdev} entries, over the batch (and, after a convolution, all positions), per channel.
 *
 * <p>These are the statistics DL4J's BatchNormalization layer (1.0.0-M2.1) normalizes by in training mode and moves
 * its running statistics towards ({@code input.mean(dims)}, {@code input.var(false, dims)}: the biased variance, which
 * is what its running variance averages, unlike PyTorch's unbiased one). Every layer's input is the one the training
 * pass gives it, i.e. the layers before it normalize by their own batch statistics, never their running ones.
 */
final class BatchNormStatistics {
    /** The {@link StepSums#extras()} key under which ghost batches sum their packed statistics. */
    static final String SUM = "batch-norm.statistics";
    /**
     * The smallest variance turned into DL4J's log10 σ: a channel that is constant over the sample (variance 0) would
     * otherwise store −∞, which training, warm-started from the model, turns into NaN (its running-statistic delta is
     * log10 σ_old − log10 σ_new = −∞ − (−∞)). At this floor σ² + ε is ε, as with 0.
     */
    static final double MIN_VARIANCE = Float.MIN_NORMAL;

    /**
     * @param name       the layer's vertex name
     * @param meanAt     where its mean starts in the packed vector
     * @param varianceAt where its variance (or log10 σ) starts
     * @param channels   its channels
     * @param logStd     DL4J stores log10 σ rather than σ² ({@code useLogStd}, the default of the layer's builder)
     */
    record Layer(String name, int meanAt, int varianceAt, int channels, boolean logStd) {
    }

    private final List<Layer> layers;
    private final int size;

    private BatchNormStatistics(List<Layer> layers, int size) {
        this.layers = List.copyOf(layers);
        this.size = size;
    }

    /** The batch-norm layers of {@code layout}, from its {@link ParameterRole#NORM_STATISTIC} segments. */
    static BatchNormStatistics of(ParameterLayout layout) {
        Map<String, int[]> found = new LinkedHashMap<>(); // name -> {meanAt, varianceAt, channels, logStd}
        int at = 0;
        for (ParameterLayout.Segment s : layout.withRole(ParameterRole.NORM_STATISTIC)) {
            int[] l = found.computeIfAbsent(s.layerName(), k -> new int[]{-1, -1, (int) s.length(), 0});
            switch (s.paramKey()) {
                case BatchNormalizationParamInitializer.GLOBAL_MEAN -> l[0] = at;
                case BatchNormalizationParamInitializer.GLOBAL_VAR -> l[1] = at;
                case BatchNormalizationParamInitializer.GLOBAL_LOG_STD -> {
                    l[1] = at;
                    l[3] = 1;
                }
                default -> throw new IllegalStateException("unknown batch-norm statistic " + s);
            }
            if (s.length() != l[2]) {
                throw new IllegalStateException("batch-norm statistics of " + s.layerName() + " differ in length");
            }
            at += (int) s.length();
        }
        List<Layer> layers = new ArrayList<>();
        found.forEach((name, l) -> {
            if (l[0] < 0 || l[1] < 0) {
                throw new IllegalStateException("batch-norm layer " + name + " lacks a mean or a variance");
            }
            layers.add(new Layer(name, l[0], l[1], l[2], l[3] == 1));
        });
        return new BatchNormStatistics(layers, at);
    }

    List<Layer> layers() {
        return layers;
    }

    /** Floats in the packed vector: the number of running-statistic parameters. */
    int size() {
        return size;
    }

    /** One ghost batch's sums: its example count and its packed statistics under {@link #SUM}. */
    StepSums ghostSums(ComputationGraph net, GhostBatch ghost) {
        StepSums sums = new StepSums();
        sums.addExamples(ghost.ids().length, 0, 0, 0);
        sums.addExtra(SUM, Nd4j.createFromArray(batch(net, ghost.data().getFeatures())), 1.0);
        return sums;
    }

    /** One training-mode forward pass of {@code features} at the network's parameters; the packed batch statistics. */
    float[] batch(ComputationGraph net, INDArray features) {
        Map<String, INDArray> activations = net.feedForward(features, true);
        float[] out = new float[size];
        for (Layer l : layers) {
            INDArray x = input(net, l.name(), activations);
            int[] dims = reducedDimensions(net, l.name(), x);
            put(out, l.meanAt(), l, x.mean(dims));
            put(out, l.varianceAt(), l, x.var(false, dims));
        }
        net.clearLayersStates();
        return out;
    }

    /** The layer's input as the layer sees it: its input vertex's activations, through its preprocessor if any. */
    private static INDArray input(ComputationGraph net, String name, Map<String, INDArray> activations) {
        List<String> inputs = net.getConfiguration().getVertexInputs().get(name);
        INDArray x = activations.get(inputs.get(0));
        GraphVertex v = net.getVertex(name);
        if (v instanceof LayerVertex lv && lv.getLayerPreProcessor() != null) {
            InputPreProcessor pre = lv.getLayerPreProcessor();
            x = pre.preProcess(x, (int) x.size(0), LayerWorkspaceMgr.noWorkspaces());
        }
        return x.castTo(DataType.FLOAT);
    }

    /** All dimensions but the channels': DL4J's BatchNormalization normalizes per channel over the rest. */
    private static int[] reducedDimensions(ComputationGraph net, String name, INDArray x) {
        if (x.rank() == 2) {
            return new int[]{0};
        }
        if (x.rank() == 4) {
            var conf = (BatchNormalization) net.getLayer(name).conf().getLayer();
            return conf.getCnn2DFormat() == CNN2DFormat.NHWC ? new int[]{0, 1, 2} : new int[]{0, 2, 3};
        }
        throw new IllegalStateException("batch-norm layer " + name + " has a rank-" + x.rank() + " input; "
                + "recalibration supports dense (rank 2) and convolutional (rank 4) inputs");
    }

    private static void put(float[] out, int at, Layer l, INDArray v) {
        float[] f = v.toFloatVector();
        if (f.length != l.channels()) {
            throw new IllegalStateException("batch-norm layer " + l.name() + " has " + l.channels() + " channels, its "
                    + "input " + f.length);
        }
        System.arraycopy(f, 0, out, at, f.length);
    }

    /**
     * The running statistics to store for the mean over {@code batches} ghost batches of their packed statistics
     * ({@code sum} is their sum): the mean of the batch means and of the batch variances, the variance turned into
     * log10 σ = ½ log10 σ² where the layer stores that.
     */
    float[] stored(float[] sum, long batches) {
        if (sum.length != size) {
            throw new IllegalStateException("batch-norm statistics of length " + sum.length + ", expected " + size);
        }
        float[] out = new float[size];
        for (int i = 0; i < size; i++) {
            out[i] = (float) (sum[i] / (double) batches);
        }
        for (Layer l : layers) {
            if (l.logStd()) {
                for (int c = l.varianceAt(); c < l.varianceAt() + l.channels(); c++) {
                    out[c] = (float) (0.5 * Math.log10(Math.max(out[c], MIN_VARIANCE)));
                }
            }
        }
        return out;
    }
}
