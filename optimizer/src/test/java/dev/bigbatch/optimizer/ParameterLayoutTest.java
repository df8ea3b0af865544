package dev.bigbatch.optimizer;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ParameterLayoutTest {

    /** Every segment must address exactly the values DL4J holds for that parameter. */
    static void assertSegmentsMatchViews(Model model) {
        ParameterLayout layout = ParameterLayout.of(model);
        assertEquals(model.params().length(), layout.size());
        var flat = model.params();
        for (ParameterLayout.Segment s : layout.segments()) {
            var view = flat.get(NDArrayIndex.interval(s.offset(), s.offset() + s.length()));
            var param = model instanceof ComputationGraph cg ? cg.getParam(s.name())
                    : ((MultiLayerNetwork) model).getParam(s.name());
            // DL4J keeps dense weights in Fortran order inside the flat vector.
            assertEquals(param.reshape(param.ordering(), new long[]{s.length()}), view, s.toString());
        }
    }

    @Test
    void computationGraphWithBranchesIsLaidOutInFlatteningOrder() {
        // Vertices added out of topological order, with a residual branch: getLayers() order differs from the
        // flattening order here, which is what broke an earlier version.
        var conf = new NeuralNetConfiguration.Builder().seed(1).graphBuilder()
                .addInputs("in")
                .setInputTypes(InputType.convolutional(6, 6, 2))
                .addLayer("a", new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(3).build(), "in")
                .addLayer("bn_b", new BatchNormalization.Builder().build(), "b")
                .addLayer("b", new ConvolutionLayer.Builder(3, 3).padding(1, 1).nOut(3).build(), "a")
                .addLayer("proj", new ConvolutionLayer.Builder(1, 1).nOut(3).build(), "in")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "bn_b", "proj")
                .addLayer("pool", new GlobalPoolingLayer.Builder().build(), "add")
                .addLayer("out", new OutputLayer.Builder().nOut(2).activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        g.params().assign(org.nd4j.linalg.factory.Nd4j.linspace(1, g.params().length(), g.params().length())
                .castTo(g.params().dataType()));
        assertSegmentsMatchViews(g);
        List<ParameterRole> roles = ParameterLayout.of(g).segments().stream().map(ParameterLayout.Segment::role).toList();
        assertEquals(2, roles.stream().filter(r -> r == ParameterRole.NORM_STATISTIC).count());
    }

    @Test
    void multiLayerNetwork() {
        var conf = new NeuralNetConfiguration.Builder().seed(1).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(3).build())
                .layer(new BatchNormalization.Builder().nOut(3).build())
                .layer(new OutputLayer.Builder().nIn(3).nOut(2).activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        assertSegmentsMatchViews(net);
    }

    @Test
    void rangesMergeConsecutiveAcceptedSegmentsAndSkipEmptyOnes() {
        ParameterLayout layout = OptimizerFixtures.layout(ParameterRole.BIAS, 2, ParameterRole.WEIGHT, 3,
                ParameterRole.WEIGHT, 0, ParameterRole.WEIGHT, 4, ParameterRole.NORM_SCALE, 1, ParameterRole.BIAS, 0,
                ParameterRole.WEIGHT, 5, ParameterRole.NORM_STATISTIC, 2, ParameterRole.WEIGHT, 0,
                ParameterRole.BIAS, 1, ParameterRole.WEIGHT, 6);
        assertEquals(List.of(new ParameterLayout.Range(2, 9), new ParameterLayout.Range(10, 15),
                new ParameterLayout.Range(18, 24)), layout.ranges(r -> r == ParameterRole.WEIGHT));
        assertEquals(List.of(new ParameterLayout.Range(0, 24)), layout.ranges(r -> true));
        assertEquals(List.of(), layout.ranges(r -> r == ParameterRole.NORM_SHIFT));
        // The empty bias between the scale and the next weights does not split them: nothing lies between.
        assertEquals(List.of(new ParameterLayout.Range(2, 15), new ParameterLayout.Range(18, 24)),
                layout.ranges(r -> r == ParameterRole.WEIGHT || r == ParameterRole.NORM_SCALE));
    }
}
