package dev.bigbatch.optimizer.kfac;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossL2;
import org.nd4j.linalg.lossfunctions.impl.LossMAE;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sampled targets: partition-independent, and from the distribution whose negative log-likelihood is the loss. */
class FisherTargetsTest {
    private static final int MANY = 20000;

    @Test
    void aSampleDependsOnlyOnSeedStepAndExampleId() {
        FisherTargets t = FisherTargets.of(new LossMCXENT(), new ActivationSoftmax(), 4);
        INDArray p = Nd4j.create(new double[][]{{0.1, 0.2, 0.3, 0.4}, {0.25, 0.25, 0.25, 0.25}, {0.7, 0.1, 0.1, 0.1}});
        INDArray all = t.sample(p, new long[]{10, 11, 12}, 7, 3);
        INDArray middle = t.sample(p.getRows(1), new long[]{11}, 7, 3);
        assertEquals(all.getRow(1, true), middle);
        // 64 uniform rows: two independent draws agree on all of them with probability 4^-64.
        INDArray uniform = Nd4j.valueArrayOf(new long[]{64, 4}, 0.25);
        long[] ids = new long[64];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = 100 + i;
        }
        INDArray base = t.sample(uniform, ids, 7, 3);
        assertEquals(base, t.sample(uniform, ids, 7, 3), "same seed, step and ids: the same sample");
        assertNotEquals(base, t.sample(uniform, ids, 7, 4), "the step enters the sample");
        assertNotEquals(base, t.sample(uniform, ids, 8, 3), "the seed enters the sample");
    }

    @Test
    void categoricalFrequenciesFollowTheSoftmax() {
        double[] p = {0.1, 0.6, 0.3};
        INDArray y = FisherTargets.of(new LossMCXENT(), new ActivationSoftmax(), 3).sample(repeat(p), ids(), 1, 0);
        INDArray freq = y.sum(0).divi(MANY);
        for (int j = 0; j < 3; j++) {
            // Binomial standard error ≤ 0.0035 at 20000 samples; 0.015 is over 4 of them.
            assertEquals(p[j], freq.getDouble(j), 0.015);
        }
    }

    @Test
    void bernoulliMeansFollowTheSigmoid() {
        double[] p = {0.2, 0.9};
        INDArray y = FisherTargets.of(new LossBinaryXENT(), new ActivationSigmoid(), 2).sample(repeat(p), ids(), 2, 0);
        assertEquals(0.2, y.getColumn(0).meanNumber().doubleValue(), 0.015);
        assertEquals(0.9, y.getColumn(1).meanNumber().doubleValue(), 0.015);
    }

    /** MSE over nOut outputs is the Gaussian NLL with variance nOut/2; sum-of-squares L2 with variance 1/2. */
    @Test
    void gaussianVarianceMatchesTheLoss() {
        double[] mean = {1.0, -2.0, 0.5, 0.0};
        INDArray mse = FisherTargets.of(new LossMSE(), new ActivationIdentity(), 4).sample(repeat(mean), ids(), 3, 0);
        INDArray l2 = FisherTargets.of(new LossL2(), new ActivationIdentity(), 4).sample(repeat(mean), ids(), 3, 0);
        for (int j = 0; j < 4; j++) {
            // The variance estimate's relative standard error is √(2/20000) = 1%; 4% is four of them.
            assertEquals(mean[j], mse.getColumn(j).meanNumber().doubleValue(), 0.06);
            assertEquals(2.0, mse.getColumn(j).var().getDouble(0), 2.0 * 0.04);
            assertEquals(0.5, l2.getColumn(j).var().getDouble(0), 0.5 * 0.04);
        }
    }

    @Test
    void lossesWithoutASamplableDistributionAreRejectedWithAHint() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> FisherTargets.of(new LossMAE(), new ActivationIdentity(), 3));
        assertTrue(e.getMessage().contains("optimizer.fisher = empirical"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FisherTargets.of(new LossMCXENT(), new ActivationReLU(), 3));
        assertThrows(IllegalArgumentException.class, () -> FisherTargets.of(
                new LossMCXENT(Nd4j.createFromArray(1.0, 2.0, 1.0)), new ActivationSoftmax(), 3));
    }

    private static INDArray repeat(double[] row) {
        return Nd4j.createFromArray(row).castTo(DataType.DOUBLE).reshape(1, row.length).repeat(0, MANY);
    }

    private static long[] ids() {
        long[] ids = new long[MANY];
        for (int i = 0; i < MANY; i++) {
            ids[i] = i;
        }
        return ids;
    }
}
