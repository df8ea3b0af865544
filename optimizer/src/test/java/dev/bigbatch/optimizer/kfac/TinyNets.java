package dev.bigbatch.optimizer.kfac;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Random;

/** Tiny DOUBLE networks and data for the K-FAC tests (DOUBLE so float noise cannot hide a wrong factor). */
final class TinyNets {
    private TinyNets() {
    }

    /** 4 → dense(5, tanh) → dense(3, sigmoid, no bias) → softmax output(3). */
    static MultiLayerNetwork dense(long seed) {
        return dense(seed, DataType.DOUBLE);
    }

    static MultiLayerNetwork dense(long seed, DataType type) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(seed)
                .dataType(type).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(5).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().nIn(5).nOut(3).activation(Activation.SIGMOID).hasBias(false).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(3).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        return net;
    }

    /** in(4) → d1(4, tanh) → d2(4, tanh) → add(d1, d2) → softmax out(3): a residual connection. */
    static ComputationGraph residual(long seed) {
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(seed)
                .dataType(DataType.DOUBLE).graphBuilder().addInputs("in")
                .addLayer("d1", new DenseLayer.Builder().nIn(4).nOut(4).activation(Activation.TANH).build(), "in")
                .addLayer("d2", new DenseLayer.Builder().nIn(4).nOut(4).activation(Activation.TANH).build(), "d1")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "d1", "d2")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "add")
                .setOutputs("out").build());
        net.init();
        return net;
    }

    /**
     * [2, 6, 7] → conv(3 channels, kernel 3×2, stride 2×1, padding 1×1, dilation 1×2, relu) → softmax output(3).
     * Conv output 3×7 positions.
     */
    static MultiLayerNetwork conv(long seed) {
        return convNet(seed, ConvolutionMode.Truncate, CNN2DFormat.NCHW, false);
    }

    static MultiLayerNetwork convNet(long seed, ConvolutionMode mode, CNN2DFormat format, boolean batchNorm) {
        return convNet(seed, mode, format, batchNorm, DataType.DOUBLE);
    }

    static MultiLayerNetwork convNet(long seed, ConvolutionMode mode, CNN2DFormat format, boolean batchNorm,
                                     DataType type) {
        var list = new NeuralNetConfiguration.Builder().seed(seed).dataType(type).convolutionMode(mode)
                .list()
                .layer(new ConvolutionLayer.Builder().kernelSize(3, 2).stride(2, 1).padding(1, 1).dilation(1, 2)
                        .nOut(3).activation(Activation.RELU).dataFormat(format).build());
        if (batchNorm) {
            list.layer(new BatchNormalization.Builder().build());
        }
        MultiLayerNetwork net = new MultiLayerNetwork(list
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(6, 7, 2, format)).build());
        net.init();
        return net;
    }

    /** in [2, 6, 7] → c1(conv 3×3 same, 3, relu) → c2(conv 3×3 same, 3, identity) → add(c1, c2) → softmax out(3). */
    static ComputationGraph convResidual(long seed) {
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(seed)
                .dataType(DataType.DOUBLE).convolutionMode(ConvolutionMode.Same).graphBuilder().addInputs("in")
                .setInputTypes(InputType.convolutional(6, 7, 2))
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(3).activation(Activation.RELU).build(), "in")
                .addLayer("c2", new ConvolutionLayer.Builder(3, 3).nOut(3).activation(Activation.IDENTITY).build(), "c1")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "c1", "c2")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "add")
                .setOutputs("out").build());
        net.init();
        return net;
    }

    /** {@code n} examples of Gaussian features of {@code shape} with one-hot labels over {@code classes}. */
    static DataSet data(long seed, int n, int classes, long... shape) {
        Random r = new Random(seed);
        long[] full = new long[shape.length + 1];
        full[0] = n;
        System.arraycopy(shape, 0, full, 1, shape.length);
        INDArray x = Nd4j.create(DataType.DOUBLE, full);
        double[] flat = new double[(int) x.length()];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = r.nextGaussian();
        }
        x.assign(Nd4j.createFromArray(flat).reshape(full));
        INDArray y = Nd4j.zeros(DataType.DOUBLE, n, classes);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, r.nextInt(classes), 1.0);
        }
        return new DataSet(x, y);
    }
}
