package dev.bigbatch.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.Activation;

/**
 * ResNet-50 for ImageNet (He et al. 2016, Table 1): a 7×7/2 convolution with {@code width} (64) filters, 3×3/2 max
 * pooling, then four stages of 3, 4, 6 and 3 bottleneck blocks (1×1 → 3×3 → 1×1 convolutions with w, w, 4w filters,
 * each followed by batch normalization) with w = width, 2·width, 4·width, 8·width, global average pooling and a
 * softmax layer. Projection shortcuts (option B) where the shape changes. The stride-2 subsampling of stages 2–4 sits
 * on the 3×3 convolution ("ResNet v1.5", as in torchvision and the MLPerf reference) rather than on the first 1×1 as
 * in the paper; it is slightly more accurate and is what published large-batch results (Goyal et al. 2017, Osawa et
 * al. 2019) use. With width 64 and 1000 classes: 25,557,032 trainable parameters.
 */
final class ImagenetResNet {
    private static final int[] BLOCKS = {3, 4, 6, 3};
    private static final int EXPANSION = 4;

    private ImagenetResNet() {
    }

    static ComputationGraphConfiguration resnet50(ComputationGraphConfiguration.GraphBuilder b, ModelSpec spec) {
        int w = spec.width();
        b.addLayer("stem", new ConvolutionLayer.Builder(7, 7).stride(2, 2).padding(3, 3).nOut(w).hasBias(false)
                .activation(Activation.IDENTITY).build(), "input");
        b.addLayer("stem_bn", ModelFactory.batchNorm(), "stem");
        b.addLayer("stem_relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "stem_bn");
        b.addLayer("stem_pool", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(3, 3).stride(2, 2)
                .padding(1, 1).build(), "stem_relu");
        String x = "stem_pool";
        int channels = w;
        for (int stage = 0; stage < BLOCKS.length; stage++) {
            int inner = w << stage;
            for (int block = 0; block < BLOCKS[stage]; block++) {
                int stride = (stage > 0 && block == 0) ? 2 : 1;
                x = bottleneck(b, "s" + (stage + 1) + "b" + (block + 1), x, channels, inner, stride);
                channels = inner * EXPANSION;
            }
        }
        b.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), x);
        b.addLayer("out", ModelFactory.output(spec), "pool");
        return b.setOutputs("out").build();
    }

    private static String bottleneck(ComputationGraphConfiguration.GraphBuilder b, String name, String in, int nIn,
                                     int inner, int stride) {
        int nOut = inner * EXPANSION;
        b.addLayer(name + "_c1", conv(1, 1, inner), in);
        b.addLayer(name + "_bn1", ModelFactory.batchNorm(), name + "_c1");
        b.addLayer(name + "_r1", new ActivationLayer.Builder().activation(Activation.RELU).build(), name + "_bn1");
        String h = ModelFactory.convBnRelu(b, name + "_c2", name + "_r1", inner, stride);
        b.addLayer(name + "_c3", conv(1, 1, nOut), h);
        b.addLayer(name + "_bn3", ModelFactory.batchNorm(), name + "_c3");
        String shortcut = in;
        if (stride != 1 || nIn != nOut) {
            b.addLayer(name + "_proj", conv(1, stride, nOut), in);
            b.addLayer(name + "_projbn", ModelFactory.batchNorm(), name + "_proj");
            shortcut = name + "_projbn";
        }
        b.addVertex(name + "_add", new ElementWiseVertex(ElementWiseVertex.Op.Add), name + "_bn3", shortcut);
        b.addLayer(name + "_relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), name + "_add");
        return name + "_relu";
    }

    private static ConvolutionLayer conv(int kernel, int stride, int nOut) {
        return new ConvolutionLayer.Builder(kernel, kernel).stride(stride, stride).padding(0, 0).nOut(nOut)
                .hasBias(false).activation(Activation.IDENTITY).build();
    }
}
