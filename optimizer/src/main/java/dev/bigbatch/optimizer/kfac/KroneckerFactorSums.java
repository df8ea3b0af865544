package dev.bigbatch.optimizer.kfac;

import dev.bigbatch.optimizer.stats.StepSums;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An executor's running factor sums over its shard, in DOUBLE: A = Σ ā āᵀ and G = Σ (1/|T|) g gᵀ per block
 * ({@link CurvatureBlock}), plus the example count. Sent once per shard into {@link StepSums} as packed upper
 * triangles ({@link PackedSymmetric}) under the block's keys, and {@link BlockId#COUNT_KEY}.
 */
final class KroneckerFactorSums {
    /** Examples are processed in chunks whose expanded inputs hold at most this many values (64 MiB in DOUBLE). */
    static final long CHUNK_VALUES = 1L << 23;

    private final Map<BlockId, INDArray[]> sums = new LinkedHashMap<>();
    private final long chunkValues;
    private long examples;

    KroneckerFactorSums() {
        this(CHUNK_VALUES);
    }

    /** With another chunk bound; for tests of the chunked accumulation. */
    KroneckerFactorSums(long chunkValues) {
        this.chunkValues = chunkValues;
    }

    /** Adds one ghost batch's rows for {@code block}. */
    void add(CurvatureBlock block, INDArray layerInput, INDArray preActivationGradient) {
        long n = layerInput.size(0);
        if (preActivationGradient.size(0) != n) {
            throw new IllegalStateException(block.id() + ": " + n + " inputs but " + preActivationGradient.size(0)
                    + " pre-activation gradients");
        }
        long positions = block.positions(layerInput);
        long perExample = positions * block.inputDim();
        long chunk = Math.max(1, CHUNK_VALUES / Math.max(1, perExample));
        INDArray[] acc = sums.computeIfAbsent(block.id(), id -> new INDArray[]{
                Nd4j.zeros(DataType.DOUBLE, block.inputDim(), block.inputDim()),
                Nd4j.zeros(DataType.DOUBLE, block.outputDim(), block.outputDim())});
        for (long start = 0; start < n; start += chunk) {
            long end = Math.min(n, start + chunk);
            INDArray a = block.inputRows(examples(layerInput, start, end));
            INDArray g = block.gradientRows(examples(preActivationGradient, start, end));
            if (a.rows() != g.rows()) {
                throw new IllegalStateException(block.id() + ": " + a.rows() + " input rows but " + g.rows()
                        + " gradient rows");
            }
            // In place (BLAS gemm, C ← α XᵀX + C): no d × d temporary per chunk, which for ResNet-50's widest block
            // (d = 4608) would be 170 MB of DOUBLE per ghost batch.
            Nd4j.gemm(a, a, acc[0], true, false, 1.0, 1.0);
            Nd4j.gemm(g, g, acc[1], true, false, 1.0 / positions, 1.0);
        }
    }

    /** Counts the examples of one ghost batch (once per batch, whatever the number of blocks). */
    void countExamples(long n) {
        examples += n;
    }

    private static INDArray examples(INDArray x, long start, long end) {
        if (start == 0 && end == x.size(0)) {
            return x;
        }
        return x.get(indices(x.rank(), start, end));
    }

    private static org.nd4j.linalg.indexing.INDArrayIndex[] indices(int rank, long start, long end) {
        org.nd4j.linalg.indexing.INDArrayIndex[] idx = new org.nd4j.linalg.indexing.INDArrayIndex[rank];
        idx[0] = NDArrayIndex.interval(start, end);
        for (int i = 1; i < rank; i++) {
            idx[i] = NDArrayIndex.all();
        }
        return idx;
    }

    /** Adds the sums and the count into {@code into}. */
    void addTo(StepSums into) {
        for (Map.Entry<BlockId, INDArray[]> e : sums.entrySet()) {
            into.addExtra(e.getKey().inputKey(), PackedSymmetric.pack(e.getValue()[0]), 1.0);
            into.addExtra(e.getKey().outputKey(), PackedSymmetric.pack(e.getValue()[1]), 1.0);
        }
        into.addExtra(BlockId.COUNT_KEY, Nd4j.createFromArray((double) examples), 1.0);
    }

    /** The current sums of {@code id} ({A, G}, not copies), or null; for tests. */
    INDArray[] sums(BlockId id) {
        return sums.get(id);
    }
}
