package dev.bigbatch.optimizer.kfac;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The executor side of one layer's Kronecker block: turns what the layer saw in a forward/backward pass — its input
 * and the gradient of the summed loss w.r.t. its pre-activations — into rows ā (input, with a trailing 1 when the
 * layer has a bias) and g (pre-activation gradient), one row per example and output position. The factor sums are
 * Σ ā āᵀ and (1/|T|) Σ g gᵀ over all rows ({@link KroneckerFactorSums}); the driver divides both by the example count.
 *
 * <p>Scaling for convolutions (Grosse &amp; Martens 2016, §3.1, under their spatial homogeneity and uncorrelated
 * derivatives assumptions): with |T| output positions, A = E_n[Σ_t ā_{n,t} ā_{n,t}ᵀ] is summed over positions (their
 * Ω) and G = E_n[(1/|T|) Σ_t g_{n,t} g_{n,t}ᵀ] is averaged over them (their Γ), and the block is A ⊗ G: the |T| of
 * the approximation sits in A. A dense layer is the case |T| = 1. For both, Σ_n Σ_t g_{n,t} ā_{n,t}ᵀ is the layer's
 * summed weight gradient [∇W | ∇b] as DL4J computes it (tested), which pins down the rows' layout.
 *
 * <p>Implementations: {@link DenseBlock}, {@link ConvolutionBlock}; {@link CurvatureBlocks} maps DL4J layer
 * configurations to them.
 */
public interface CurvatureBlock {

    BlockId id();

    /** Columns of ā: the layer's fan-in (nIn, or nIn·kH·kW), plus 1 with a bias. */
    int inputDim();

    /** Columns of g: nOut. */
    int outputDim();

    /** |T|, the output positions per example for this input (1 for a dense layer). */
    long positions(INDArray layerInput);

    /**
     * Writes rows ā into {@code rows}, a c-order [examples·|T|, {@link #inputDim()}] matrix of the {@link #rowType} of
     * {@code layerInput}, ordered by (example, output row, output column). Every entry is written: {@code rows} may
     * hold anything before (the factor sums reuse one buffer for all blocks and chunks).
     *
     * @param layerInput the layer's input as the layer used it (after any input dropout, in the layer's type)
     */
    void inputRows(INDArray layerInput, INDArray rows);

    /**
     * Writes rows g into {@code rows}, a c-order [examples·|T|, {@link #outputDim()}] matrix, ordered as
     * {@link #inputRows}; every entry is written.
     *
     * @param preActivationGradient dL/dz with L the loss summed over examples; for a convolution in NCHW layout,
     *                              which is how DL4J's ConvolutionLayer computes it whatever its data format
     */
    void gradientRows(INDArray preActivationGradient, INDArray rows);

    /**
     * The type rows and factor products are formed in, for a network whose activations have type {@code recorded}:
     * that type for FLOAT and DOUBLE networks, FLOAT for narrower ones (HALF, BFLOAT16), whose 8- to 11-bit
     * significands would lose most of a sum of thousands of products. See {@link KroneckerFactorSums} for why FLOAT
     * suffices.
     */
    static DataType rowType(DataType recorded) {
        return recorded == DataType.DOUBLE ? DataType.DOUBLE : DataType.FLOAT;
    }
}
