package dev.bigbatch.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Builds the networks as DL4J ComputationGraphs. Updaters are {@link NoOp}: bigbatch's optimizers update the flat
 * parameter vector on the driver, DL4J only computes gradients.
 *
 * <p>CIFAR ResNets follow He et al. 2016 ("Deep Residual Learning for Image Recognition", §4.2): a 3×3 convolution
 * with {@code width} filters, then three stages of n basic blocks (two 3×3 convolutions, each followed by batch
 * normalization, ReLU after the first and after the addition) with width, 2·width, 4·width filters, the first block of
 * stages 2 and 3 subsampling with stride 2, then global average pooling and a softmax layer: depth 6n+2. Shortcuts
 * are identities, except where the shape changes, where we use <b>option B</b> (1×1 projection convolution with stride
 * 2, followed by batch normalization) rather than the paper's CIFAR option A (zero-padded identity): DL4J has no
 * parameter-free channel-padding vertex, and He et al. (Table 3) find B slightly better than A on ImageNet. The
 * projections add w·2w + 2w·4w weights and 2·(2w + 4w) batch-norm parameters (2,752 for ResNet-20, w = 16: +1.0%;
 * ModelFactoryTest). Convolutions have no bias (batch
 * normalization follows each); weights use He initialization.
 */
public final class ModelFactory {
    /** DL4J's batch-norm running-average decay (PyTorch's momentum 0.1). */
    static final double BATCH_NORM_DECAY = 0.9;
    static final double BATCH_NORM_EPS = 1e-5;

    private ModelFactory() {
    }

    public static ComputationGraph build(ModelSpec spec) {
        ComputationGraphConfiguration conf = switch (spec.name()) {
            case "small-cnn" -> smallCnn(spec);
            case "resnet50" -> ImagenetResNet.resnet50(base(spec), spec);
            default -> resnet(spec);
        };
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    static ComputationGraphConfiguration.GraphBuilder base(ModelSpec spec) {
        return new NeuralNetConfiguration.Builder()
                .seed(spec.seed())
                .dataType(DataType.FLOAT)
                .updater(new NoOp())
                .weightInit(WeightInit.RELU)
                .convolutionMode(ConvolutionMode.Truncate)
                .trainingWorkspaceMode(WorkspaceMode.ENABLED)
                .inferenceWorkspaceMode(WorkspaceMode.ENABLED)
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutional(spec.height(), spec.imageWidth(), spec.channels()));
    }

    /** A small CNN for tests: conv-BN-ReLU-pool twice, a dense layer, softmax. */
    private static ComputationGraphConfiguration smallCnn(ModelSpec spec) {
        int w = spec.width();
        var b = base(spec);
        String in = "input";
        in = convBnRelu(b, "c1", in, w, 1);
        b.addLayer("p1", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), in);
        in = convBnRelu(b, "c2", "p1", 2 * w, 1);
        b.addLayer("p2", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build(), in);
        b.addLayer("fc", new DenseLayer.Builder().nOut(4L * w).activation(Activation.RELU).build(), "p2");
        b.addLayer("out", output(spec), "fc");
        return b.setOutputs("out").build();
    }

    private static ComputationGraphConfiguration resnet(ModelSpec spec) {
        int n = spec.blocksPerStage();
        int w = spec.width();
        var b = base(spec);
        String x = convBnRelu(b, "stem", "input", w, 1);
        int channels = w;
        for (int stage = 0; stage < 3; stage++) {
            int out = w << stage;
            for (int block = 0; block < n; block++) {
                int stride = (stage > 0 && block == 0) ? 2 : 1;
                x = basicBlock(b, "s" + (stage + 1) + "b" + (block + 1), x, channels, out, stride);
                channels = out;
            }
        }
        b.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), x);
        b.addLayer("out", output(spec), "pool");
        return b.setOutputs("out").build();
    }

    private static String basicBlock(ComputationGraphConfiguration.GraphBuilder b, String name, String in, int nIn,
                                     int nOut, int stride) {
        String h = convBnRelu(b, name + "_c1", in, nOut, stride);
        b.addLayer(name + "_c2", conv3x3(nOut, 1), h);
        b.addLayer(name + "_bn2", batchNorm(), name + "_c2");
        String shortcut = in;
        if (stride != 1 || nIn != nOut) {
            b.addLayer(name + "_proj", new ConvolutionLayer.Builder(1, 1).stride(stride, stride).padding(0, 0)
                    .nOut(nOut).hasBias(false).activation(Activation.IDENTITY).build(), in);
            b.addLayer(name + "_projbn", batchNorm(), name + "_proj");
            shortcut = name + "_projbn";
        }
        b.addVertex(name + "_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), name + "_bn2", shortcut);
        b.addLayer(name + "_relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), name + "_add");
        return name + "_relu";
    }

    static String convBnRelu(ComputationGraphConfiguration.GraphBuilder b, String name, String in, int nOut,
                                     int stride) {
        b.addLayer(name, conv3x3(nOut, stride), in);
        b.addLayer(name + "_bn", batchNorm(), name);
        b.addLayer(name + "_relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), name + "_bn");
        return name + "_relu";
    }

    static ConvolutionLayer conv3x3(int nOut, int stride) {
        return new ConvolutionLayer.Builder(3, 3).stride(stride, stride).padding(1, 1).nOut(nOut).hasBias(false)
                .activation(Activation.IDENTITY).build();
    }

    static BatchNormalization batchNorm() {
        return new BatchNormalization.Builder().decay(BATCH_NORM_DECAY).eps(BATCH_NORM_EPS).build();
    }

    static OutputLayer output(ModelSpec spec) {
        return new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(spec.classes())
                .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build();
    }
}
