package dev.bigbatch.optimizer.kfac;

import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;

import java.util.ArrayList;
import java.util.List;

/**
 * Records, during one DL4J forward/backward pass, each block layer's input and the gradient of the summed loss w.r.t.
 * its pre-activations, by wrapping hooks of the layer's configuration for the duration of the pass. DL4J 1.0.0-M2.1
 * calls them as follows (read in {@code deeplearning4j-nn}):
 * <ul>
 *   <li>input: {@code AbstractLayer.applyDropOutIfNecessary} passes every training-mode input through
 *       {@code conf.getIDropout().applyDropout(..)} and uses its result as the layer input (dense and output layers in
 *       {@code BaseLayer.preOutputWithPreNorm}, convolutions in {@code ConvolutionLayer.activate}) after casting it
 *       to the layer's type ({@code this.input.castTo(dataType)}: a HALF network rounds FLOAT features to HALF); the
 *       wrapper records that result cast the same way: the post-dropout input the weight gradient uses;</li>
 *   <li>hidden layers: {@code BaseLayer.backpropGradient} and {@code ConvolutionLayer.backpropGradient} compute
 *       delta = {@code conf.getActivationFn().backprop(z, epsilon).getFirst()} (NCHW for convolutions, also with an
 *       MKL-DNN/cuDNN helper) and the weight gradient from it;</li>
 *   <li>output layers: {@code BaseOutputLayer.getGradientsAndDelta} computes
 *       delta = {@code conf.getLossFn().computeGradient(labels, preOut, activationFn, mask)}; the loss is wrapped rather
 *       than the activation because {@code LossMCXENT} special-cases {@code instanceof ActivationSoftmax}.</li>
 * </ul>
 * Every wrapper delegates unchanged, so the pass computes exactly what it would without them; recorded arrays are
 * copied out of any workspace. {@link #close()} puts the original objects back. The configuration objects must be the
 * replica's own: installing fails if another recorder is already in place.
 */
final class LayerRecorders implements AutoCloseable {
    private final List<Installed> installed = new ArrayList<>();

    private record Installed(CurvatureBlocks.Bound bound, BaseLayer conf, IDropout dropout, IActivation activation,
                             ILossFunction loss, InputRecorder input, GradientRecorder gradient) {
    }

    private LayerRecorders() {
    }

    static LayerRecorders install(List<CurvatureBlocks.Bound> blocks) {
        LayerRecorders r = new LayerRecorders();
        try {
            for (CurvatureBlocks.Bound b : blocks) {
                r.installOn(b);
            }
        } catch (RuntimeException e) {
            r.close();
            throw e;
        }
        return r;
    }

    private void installOn(CurvatureBlocks.Bound b) {
        BaseLayer conf = (BaseLayer) b.layer().conf().getLayer();
        if (conf.getIDropout() instanceof InputRecorder || conf.getActivationFn() instanceof ActivationRecorder
                || (conf instanceof BaseOutputLayer o && o.getLossFn() instanceof LossRecorder)) {
            throw new IllegalStateException("layer " + b.block().id().layer() + " is already being recorded: the "
                    + "replica shares its layer configuration with another network in use");
        }
        IDropout dropout = conf.getIDropout();
        IActivation activation = conf.getActivationFn();
        ILossFunction loss = conf instanceof BaseOutputLayer o ? o.getLossFn() : null;
        InputRecorder input = new InputRecorder(dropout, b.layer().params().dataType());
        GradientRecorder gradient = loss != null ? new LossRecorder(loss) : new ActivationRecorder(activation);
        installed.add(new Installed(b, conf, dropout, activation, loss, input, gradient));
        conf.setIDropout(input);
        if (gradient instanceof LossRecorder l) {
            ((BaseOutputLayer) conf).setLossFn(l);
        } else {
            conf.setActivationFn((ActivationRecorder) gradient);
        }
    }

    /** The recorded input of {@code bound}'s layer; fails if the pass did not run on this network. */
    INDArray input(CurvatureBlocks.Bound bound) {
        return require(find(bound).input().recorded, bound, "input");
    }

    /** The recorded dL/dz of {@code bound}'s layer. */
    INDArray preActivationGradient(CurvatureBlocks.Bound bound) {
        return require(find(bound).gradient().recorded(), bound, "pre-activation gradient");
    }

    private Installed find(CurvatureBlocks.Bound bound) {
        return installed.stream().filter(i -> i.bound() == bound).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(bound.block().id() + " is not recorded"));
    }

    private static INDArray require(INDArray x, CurvatureBlocks.Bound bound, String what) {
        if (x == null) {
            throw new IllegalStateException("no " + what + " was recorded for layer " + bound.block().id().layer()
                    + ": ShardContext.gradient must run forward and backward on ShardContext.network()");
        }
        return x;
    }

    @Override
    public void close() {
        for (Installed i : installed) {
            i.conf().setIDropout(i.dropout());
            i.conf().setActivationFn(i.activation());
            if (i.loss() != null) {
                ((BaseOutputLayer) i.conf()).setLossFn(i.loss());
            }
        }
        installed.clear();
    }

    private static INDArray detachedCopy(INDArray x) {
        return detachedCopy(x, x.dataType());
    }

    /** A copy of {@code x} of {@code type}, outside any workspace. */
    @SuppressWarnings("try") // the scope is entered for its effect on allocation, not used in the body
    private static INDArray detachedCopy(INDArray x, DataType type) {
        try (MemoryWorkspace ignored = Nd4j.getMemoryManager().scopeOutOfWorkspaces()) {
            return x.dataType() == type ? x.dup() : x.castTo(type);
        }
    }

    private interface GradientRecorder {
        INDArray recorded();
    }

    /**
     * Input dropout that records its output cast to the layer's type, as the layer uses it; with no original dropout,
     * the identity.
     */
    static final class InputRecorder implements IDropout {
        private final IDropout delegate;
        private final DataType layerType;
        private INDArray recorded;

        InputRecorder(IDropout delegate, DataType layerType) {
            this.delegate = delegate;
            this.layerType = layerType;
        }

        @Override
        public INDArray applyDropout(INDArray in, INDArray result, int iteration, int epoch, LayerWorkspaceMgr mgr) {
            INDArray out = delegate == null ? in : delegate.applyDropout(in, result, iteration, epoch, mgr);
            recorded = detachedCopy(out, layerType);
            return out;
        }

        @Override
        public INDArray backprop(INDArray gradAtOutput, INDArray gradAtInput, int iteration, int epoch) {
            if (delegate != null) {
                return delegate.backprop(gradAtOutput, gradAtInput, iteration, epoch);
            }
            return gradAtInput == gradAtOutput ? gradAtInput : gradAtInput.assign(gradAtOutput);
        }

        @Override
        public void clear() {
            if (delegate != null) {
                delegate.clear();
            }
        }

        @Override
        public IDropout clone() {
            return new InputRecorder(delegate == null ? null : delegate.clone(), layerType);
        }
    }

    /** An activation that records dL/dz from its backward pass. */
    static final class ActivationRecorder implements IActivation, GradientRecorder {
        private final IActivation delegate;
        private INDArray recorded;

        ActivationRecorder(IActivation delegate) {
            this.delegate = delegate;
        }

        @Override
        public INDArray getActivation(INDArray in, boolean training) {
            return delegate.getActivation(in, training);
        }

        @Override
        public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
            Pair<INDArray, INDArray> r = delegate.backprop(in, epsilon);
            recorded = detachedCopy(r.getFirst());
            return r;
        }

        @Override
        public int numParams(int inputSize) {
            return delegate.numParams(inputSize);
        }

        @Override
        public INDArray recorded() {
            return recorded;
        }
    }

    /** A loss that records dL/dz (the output layer's delta) from its gradient. */
    static final class LossRecorder implements ILossFunction, GradientRecorder {
        private final ILossFunction delegate;
        private INDArray recorded;

        LossRecorder(ILossFunction delegate) {
            this.delegate = delegate;
        }

        @Override
        public double computeScore(INDArray labels, INDArray preOut, IActivation fn, INDArray mask, boolean average) {
            return delegate.computeScore(labels, preOut, fn, mask, average);
        }

        @Override
        public INDArray computeScoreArray(INDArray labels, INDArray preOut, IActivation fn, INDArray mask) {
            return delegate.computeScoreArray(labels, preOut, fn, mask);
        }

        @Override
        public INDArray computeGradient(INDArray labels, INDArray preOut, IActivation fn, INDArray mask) {
            INDArray g = delegate.computeGradient(labels, preOut, fn, mask);
            recorded = detachedCopy(g);
            return g;
        }

        @Override
        public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOut, IActivation fn,
                                                              INDArray mask, boolean average) {
            Pair<Double, INDArray> r = delegate.computeGradientAndScore(labels, preOut, fn, mask, average);
            recorded = detachedCopy(r.getSecond());
            return r;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public INDArray recorded() {
            return recorded;
        }
    }
}
