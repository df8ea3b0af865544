package dev.bigbatch.optimizer.neumann;

import dev.bigbatch.optimizer.OptimizerFixtures;
import dev.bigbatch.optimizer.stats.LocalShard;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.ArrayList;
import java.util.List;

/**
 * The tiny network of the two-loop tests and the executor stand-in over it: a {@link LocalShard} whose replica holds the
 * step's parameters and a share of the ghost batches; gradients come from DL4J's own backward pass (summed over the
 * ghost batch's examples).
 */
final class NetworkShard {
    static final int INPUTS = 3;
    static final int OUTPUTS = 2;

    private NetworkShard() {
    }

    /** A replica of {@link #newNetwork} holding {@code params}, with {@code ghosts} as its ghost batches. */
    static LocalShard of(INDArray params, List<DataSet> ghosts) {
        MultiLayerNetwork net = newNetwork();
        net.setParams(params.reshape(net.params().shape()));
        return LocalShard.of(net, ghosts);
    }

    /** Dense 3→4 (tanh), then a linear output with squared error: small and not convex. */
    static MultiLayerNetwork newNetwork() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(12)
                .dataType(DataType.FLOAT).updater(new Sgd(0)).list()
                .layer(new DenseLayer.Builder().nIn(INPUTS).nOut(4).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(OUTPUTS)
                        .activation(Activation.IDENTITY).build())
                .build());
        net.init();
        return net;
    }

    /** {@code count} ghost batches of {@code size} examples from a fixed seed. */
    static List<DataSet> ghostBatches(int count, int size, long seed) {
        List<DataSet> out = new ArrayList<>();
        java.util.Random random = new java.util.Random(seed);
        for (int i = 0; i < count; i++) {
            INDArray x = Nd4j.createFromArray(OptimizerFixtures.gaussian(random, size * INPUTS, 1.0)).reshape(size, INPUTS);
            INDArray y = Nd4j.createFromArray(OptimizerFixtures.gaussian(random, size * OUTPUTS, 1.0)).reshape(size, OUTPUTS);
            out.add(new DataSet(x, y));
        }
        return out;
    }
}
