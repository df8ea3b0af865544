package dev.bigbatch.optimizer.kfac;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A block's rows as new matrices, for tests that inspect them (the factor sums fill one reused buffer instead). */
final class BlockRows {
    private BlockRows() {
    }

    /** Rows ā as a new matrix of the {@link CurvatureBlock#rowType} of {@code layerInput}. */
    static INDArray input(CurvatureBlock block, INDArray layerInput) {
        INDArray rows = Nd4j.createUninitialized(CurvatureBlock.rowType(layerInput.dataType()),
                new long[]{layerInput.size(0) * block.positions(layerInput), block.inputDim()}, 'c');
        block.inputRows(layerInput, rows);
        return rows;
    }

    /** Rows g as a new matrix of the {@link CurvatureBlock#rowType} of {@code preActivationGradient}. */
    static INDArray gradient(CurvatureBlock block, INDArray preActivationGradient) {
        INDArray rows = Nd4j.createUninitialized(CurvatureBlock.rowType(preActivationGradient.dataType()),
                new long[]{preActivationGradient.length() / block.outputDim(), block.outputDim()}, 'c');
        block.gradientRows(preActivationGradient, rows);
        return rows;
    }
}
