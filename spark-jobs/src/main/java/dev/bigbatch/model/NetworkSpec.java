package dev.bigbatch.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;

import java.io.Serializable;

/**
 * What executors need to build a replica of any network (built here or restored from a saved model): DL4J's own
 * configuration JSON, plus the input shape and class count the loop feeds it.
 *
 * @param configJson {@code ComputationGraphConfiguration.toJson()}
 * @param classes    output classes
 * @param channels   input channels
 * @param height     input height
 * @param width      input width
 */
public record NetworkSpec(String configJson, int classes, int channels, int height, int width) implements Serializable {

    public static NetworkSpec of(ComputationGraph net, int channels, int height, int width) {
        int classes = (int) net.getOutputLayer(0).getParam("W").size(1);
        return new NetworkSpec(net.getConfiguration().toJson(), classes, channels, height, width);
    }

    /** A new network with this configuration (parameters initialized, to be overwritten). */
    public ComputationGraph build() {
        ComputationGraph g = new ComputationGraph(ComputationGraphConfiguration.fromJson(configJson));
        g.init();
        return g;
    }

    /** Values per input example. */
    public int inputLength() {
        return channels * height * width;
    }
}
