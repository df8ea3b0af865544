package dev.bigbatch.optimizer.kfac;

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
     * Rows ā as a new DOUBLE [examples·|T|, {@link #inputDim()}] matrix, rows ordered by (example, output row, output
     * column).
     *
     * @param layerInput the layer's input as the layer used it (after any input dropout)
     */
    INDArray inputRows(INDArray layerInput);

    /**
     * Rows g as a new DOUBLE [examples·|T|, {@link #outputDim()}] matrix, ordered as {@link #inputRows}.
     *
     * @param preActivationGradient dL/dz with L the loss summed over examples; for a convolution in NCHW layout,
     *                              which is how DL4J's ConvolutionLayer computes it whatever its data format
     */
    INDArray gradientRows(INDArray preActivationGradient);
}
