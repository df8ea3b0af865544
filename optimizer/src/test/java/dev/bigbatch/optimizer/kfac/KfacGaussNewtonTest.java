package dev.bigbatch.optimizer.kfac;

import dev.bigbatch.optimizer.CommonSettings;
import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.TrainingShape;
import dev.bigbatch.optimizer.regularization.WeightDecay;
import dev.bigbatch.optimizer.schedule.ScheduleConfig;
import dev.bigbatch.optimizer.stats.LocalShard;
import dev.bigbatch.optimizer.stats.StepSums;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * For one linear layer with squared loss the Gauss–Newton matrix is exactly A ⊗ H, with H = (2/nOut) I the Hessian of
 * DL4J's MSE in the outputs; K-FAC with G = H and no damping must then take the exact Gauss–Newton step. H is what
 * the sampled targets estimate (E[g gᵀ] = H), so G here is H itself; {@link #sampledFactorEstimatesTheLossHessian}
 * checks the estimate.
 */
class KfacGaussNewtonTest {
    private static final int N = 9, IN = 3, OUT = 2;

    private static MultiLayerNetwork linear() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(31)
                .dataType(DataType.DOUBLE).list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(IN).nOut(OUT)
                        .activation(Activation.IDENTITY).build())
                .build());
        net.init();
        return net;
    }

    @Test
    void undampedKfacStepIsTheExactGaussNewtonStep() {
        MultiLayerNetwork net = linear();
        DataSet data = TinyNets.data(32, N, OUT, IN);
        data.setLabels(Nd4j.randn(33, new long[]{N, OUT}).castTo(DataType.DOUBLE));
        // The executor's side: the gradient sum and the input factor, through the real statistic.
        LocalShard shard = LocalShard.of(net, data, 0, N, N, 0, 1);
        StepSums sums = new StepSums();
        INDArray gradientSum = LocalShard.compute(net, data).gradientSum().reshape(-1);
        sums.addGradient(gradientSum, 1.0);
        sums.addExamples(N, 0, 0, 0);
        KroneckerFactorSums factors = new KroneckerFactorStatistic(FisherType.EMPIRICAL).compute(shard);
        BlockId id = new BlockId(BlockKind.DENSE, "0");
        sums.addExtra(id.inputKey(), PackedSymmetric.pack(factors.sums(id)[0]), 1.0);
        sums.addExtra(id.outputKey(), PackedSymmetric.pack(Nd4j.eye(OUT).castTo(DataType.DOUBLE).muli(2.0 / OUT)), N);
        sums.addExtra(BlockId.COUNT_KEY, Nd4j.createFromArray((double) N), 1.0);

        KfacConfig config = new KfacConfig(new CommonSettings(1.0, ScheduleConfig.constant(1.0), WeightDecay.none(), 0),
                1, 1, 0.95, 0.0, DampingMode.TIKHONOV_EIGEN, 0.0, 0.0, FisherType.EMPIRICAL, InverseLocation.DRIVER);
        INDArray before = net.params().dup().reshape(-1);
        INDArray params = before.dup();
        config.create(ParameterLayout.of(net), new TrainingShape(10, 10, N)).step(params, sums);
        double[] kfacStep = before.sub(params).toDoubleVector();

        // Exact Gauss–Newton in DL4J's flat order: W[i, o] at i + o·IN (f-order), then b[o] at IN·OUT + o.
        int p = IN * OUT + OUT;
        double[][] gn = new double[p][p];
        INDArray x = data.getFeatures();
        for (int n = 0; n < N; n++) {
            double[][] jac = new double[OUT][p];
            for (int o = 0; o < OUT; o++) {
                for (int i = 0; i < IN; i++) {
                    jac[o][i + o * IN] = x.getDouble(n, i);
                }
                jac[o][IN * OUT + o] = 1;
            }
            for (int a = 0; a < p; a++) {
                for (int b = 0; b < p; b++) {
                    for (int o = 0; o < OUT; o++) {
                        gn[a][b] += jac[o][a] * (2.0 / OUT) * jac[o][b] / N;
                    }
                }
            }
        }
        double[] meanGradient = sums.meanGradient().castTo(DataType.DOUBLE).toDoubleVector();
        double[] gnStep = LinearSolve.solve(gn, meanGradient);
        for (int i = 0; i < p; i++) {
            // The gradient and A travel as float sums; observed agreement ~1e-7 relative.
            assertEquals(gnStep[i], kfacStep[i], 1e-5 * Math.abs(gnStep[i]) + 1e-9, "parameter " + i);
        }
    }

    /** The true-Fisher sampled G of an MSE output estimates H = (2/nOut) I (tolerance: 4000 samples, observed 2%). */
    @Test
    void sampledFactorEstimatesTheLossHessian() {
        MultiLayerNetwork net = linear();
        int many = 4000;
        DataSet data = TinyNets.data(34, many, OUT, IN);
        LocalShard shard = LocalShard.of(net, data, 0, many, 1000, 0, 1);
        INDArray g = new KroneckerFactorStatistic(FisherType.TRUE).compute(shard)
                .sums(new BlockId(BlockKind.DENSE, "0"))[1].div(many);
        INDArray h = Nd4j.eye(OUT).castTo(DataType.DOUBLE).muli(2.0 / OUT);
        assertTrue(g.sub(h).norm2Number().doubleValue() < 0.06 * h.norm2Number().doubleValue(), "G = " + g);
    }
}
