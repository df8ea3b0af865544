package dev.bigbatch.optimizer.kfac;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;
import org.nd4j.linalg.lossfunctions.impl.LossL2;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

import java.util.SplittableRandom;

/**
 * Targets drawn from the model's predictive distribution, for the true Fisher ({@link FisherType#TRUE}): one sample
 * per example, from a generator seeded by (run seed, step, global example id) only, so the samples do not depend on
 * how the batch is partitioned. The distribution is the one whose negative log-likelihood is the output layer's loss:
 * <ul>
 *   <li>{@code LossMCXENT}/{@code LossNegativeLogLikelihood} with softmax: categorical over the softmax output;</li>
 *   <li>{@code LossBinaryXENT} with sigmoid: independent Bernoulli per output;</li>
 *   <li>{@code LossL2} (Σ_j (y_j − ŷ_j)²): Gaussian N(ŷ, ½ I); {@code LossMSE} (the same over nOut): N(ŷ, (nOut/2) I).
 *       For these E[g gᵀ] at the output is the loss Hessian, so the Fisher is the Gauss–Newton matrix.</li>
 * </ul>
 * Predictions come from a training-mode forward pass (batch-norm batch statistics), as in the backward pass.
 */
final class FisherTargets {
    /** Keeps these samples' generator streams apart from any other randomness derived from the run seed. */
    private static final long DOMAIN = 0x6b666163_46697368L;

    private enum Family { CATEGORICAL, BERNOULLI, GAUSSIAN }

    private final Family family;
    private final double variance;

    private FisherTargets(Family family, double variance) {
        this.family = family;
        this.variance = variance;
    }

    /** The targets of {@code model}'s output layer; fails, saying what to do, if its loss has no such distribution. */
    static FisherTargets of(Model model) {
        org.deeplearning4j.nn.conf.layers.Layer conf = outputLayerConf(model);
        if (!(conf instanceof BaseOutputLayer out)) {
            throw unsupported("the output layer is a " + conf.getClass().getSimpleName() + ", not an output layer with a loss");
        }
        return of(out.getLossFn(), out.getActivationFn(), out.getNOut());
    }

    static FisherTargets of(ILossFunction loss, IActivation activation, long nOut) {
        if (loss instanceof LossMCXENT l && activation instanceof ActivationSoftmax && l.getWeights() == null) {
            return new FisherTargets(Family.CATEGORICAL, 0);
        }
        if (loss instanceof LossBinaryXENT l && activation instanceof ActivationSigmoid && l.getWeights() == null) {
            return new FisherTargets(Family.BERNOULLI, 0);
        }
        if (loss instanceof LossL2 l && l.getWeights() == null) {
            return new FisherTargets(Family.GAUSSIAN, loss instanceof LossMSE ? nOut / 2.0 : 0.5);
        }
        throw unsupported("the output loss " + loss + " with activation " + activation
                + " is not the negative log-likelihood of a distribution K-FAC can sample");
    }

    private static IllegalArgumentException unsupported(String why) {
        return new IllegalArgumentException("optimizer.fisher = true: " + why
                + "; use optimizer.fisher = empirical, or softmax + MCXENT, sigmoid + XENT, or L2/MSE outputs");
    }

    private static org.deeplearning4j.nn.conf.layers.Layer outputLayerConf(Model model) {
        if (model instanceof MultiLayerNetwork mln) {
            return mln.getOutputLayer().conf().getLayer();
        }
        ComputationGraph cg = (ComputationGraph) model;
        if (cg.getNumOutputArrays() != 1 || cg.getNumInputArrays() != 1) {
            throw unsupported("the graph has " + cg.getNumInputArrays() + " inputs and " + cg.getNumOutputArrays()
                    + " outputs (one of each is supported)");
        }
        return cg.getOutputLayer(0).conf().getLayer();
    }

    /** {@code batch} with its labels replaced by samples from {@code predicted}, the model's predictions for it. */
    DataSet relabel(DataSet batch, INDArray predicted, long[] exampleIds, long seed, long step) {
        return new DataSet(batch.getFeatures(), sample(predicted, exampleIds, seed, step),
                batch.getFeaturesMaskArray(), batch.getLabelsMaskArray());
    }

    /** Samples for predictions {@code predicted} [examples, nOut] (the output layer's activations). */
    INDArray sample(INDArray predicted, long[] exampleIds, long seed, long step) {
        if (predicted.rank() != 2 || predicted.rows() != exampleIds.length) {
            throw new IllegalArgumentException("predictions of shape " + java.util.Arrays.toString(predicted.shape())
                    + " for " + exampleIds.length + " example ids");
        }
        int n = predicted.columns();
        double[] p = predicted.castTo(DataType.DOUBLE).dup('c').data().asDouble();
        double[] y = new double[p.length];
        double sd = Math.sqrt(variance);
        for (int r = 0; r < exampleIds.length; r++) {
            SplittableRandom rng = new SplittableRandom(exampleSeed(seed, step, exampleIds[r]));
            int row = r * n;
            switch (family) {
                case CATEGORICAL -> y[row + categorical(p, row, n, rng.nextDouble())] = 1;
                case BERNOULLI -> {
                    for (int j = 0; j < n; j++) {
                        y[row + j] = rng.nextDouble() < p[row + j] ? 1 : 0;
                    }
                }
                case GAUSSIAN -> {
                    for (int j = 0; j < n; j++) {
                        y[row + j] = p[row + j] + sd * standardNormal(rng);
                    }
                }
            }
        }
        return Nd4j.create(y, new long[]{exampleIds.length, n}, DataType.DOUBLE)
                .castTo(predicted.dataType());
    }

    /** The class whose cumulative probability first exceeds u·Σp (Σp normalizes round-off in the softmax). */
    private static int categorical(double[] p, int row, int n, double u) {
        double total = 0;
        for (int j = 0; j < n; j++) {
            total += p[row + j];
        }
        double target = u * total;
        double cumulative = 0;
        for (int j = 0; j < n; j++) {
            cumulative += p[row + j];
            if (target < cumulative) {
                return j;
            }
        }
        return n - 1;
    }

    /** Box–Muller, written out so the samples do not depend on the JDK's Gaussian algorithm. */
    private static double standardNormal(SplittableRandom rng) {
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** A seed for one example's sample: SplitMix64's finalizer folded over (domain ⊕ seed, step, id). */
    static long exampleSeed(long seed, long step, long exampleId) {
        return mix(mix(mix(seed ^ DOMAIN) ^ step) ^ exampleId);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
