package dev.bigbatch.optimizer.kfac;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

/**
 * The Kronecker block of a dense layer z = a W + b (DL4J {@code DenseLayer} and {@code OutputLayer}; Martens &amp;
 * Grosse 2015, §3): ā = [a, 1], g = dL/dz, one row per example.
 */
public final class DenseBlock implements CurvatureBlock {
    private final BlockId id;
    private final int nIn;
    private final int nOut;
    private final boolean bias;

    public DenseBlock(String layerName, int nIn, int nOut, boolean bias) {
        this.id = new BlockId(BlockKind.DENSE, layerName);
        this.nIn = nIn;
        this.nOut = nOut;
        this.bias = bias;
    }

    /**
     * The block of a DL4J dense or output layer, from its parameters; null (no block) for a dense layer with layer
     * normalization, whose pre-activation is not a W + b.
     */
    static DenseBlock of(String layerName, Layer layer) {
        if (layer.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.DenseLayer d && d.hasLayerNorm()) {
            return null;
        }
        long[] w = layer.paramTable().get(DefaultParamInitializer.WEIGHT_KEY).shape();
        return new DenseBlock(layerName, Math.toIntExact(w[0]), Math.toIntExact(w[1]),
                layer.paramTable().containsKey(DefaultParamInitializer.BIAS_KEY));
    }

    @Override
    public BlockId id() {
        return id;
    }

    @Override
    public int inputDim() {
        return nIn + (bias ? 1 : 0);
    }

    @Override
    public int outputDim() {
        return nOut;
    }

    @Override
    public long positions(INDArray layerInput) {
        return 1;
    }

    @Override
    public void inputRows(INDArray layerInput, INDArray rows) {
        check(layerInput, nIn, "input");
        checkRows(rows, layerInput.rows(), inputDim());
        rows.get(NDArrayIndex.all(), NDArrayIndex.interval(0, nIn)).assign(layerInput.castTo(rows.dataType()));
        if (bias) {
            rows.get(NDArrayIndex.all(), NDArrayIndex.point(nIn)).assign(1.0);
        }
    }

    @Override
    public void gradientRows(INDArray preActivationGradient, INDArray rows) {
        check(preActivationGradient, nOut, "pre-activation gradient");
        checkRows(rows, preActivationGradient.rows(), nOut);
        rows.assign(preActivationGradient.castTo(rows.dataType()));
    }

    private void checkRows(INDArray rows, long expectedRows, int columns) {
        if (rows.rank() != 2 || rows.rows() != expectedRows || rows.columns() != columns) {
            throw new IllegalStateException("dense block " + id + ": rows must be [" + expectedRows + ", " + columns
                    + "], not " + Arrays.toString(rows.shape()));
        }
    }

    private void check(INDArray x, int columns, String what) {
        if (x.rank() != 2 || x.columns() != columns) {
            throw new IllegalStateException("dense block " + id + ": " + what + " of shape " + Arrays.toString(x.shape())
                    + " is not [examples, " + columns + "]");
        }
    }
}
