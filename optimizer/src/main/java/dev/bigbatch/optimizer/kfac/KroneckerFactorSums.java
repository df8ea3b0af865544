package dev.bigbatch.optimizer.kfac;

import dev.bigbatch.optimizer.stats.StepSums;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An executor's running factor sums over its shard: A = Σ ā āᵀ and G = Σ (1/|T|) g gᵀ per block
 * ({@link CurvatureBlock}), plus the example count. Sent once per shard into {@link StepSums} as packed upper
 * triangles ({@link PackedSymmetric}) under the block's keys, and {@link BlockId#COUNT_KEY}.
 *
 * <p><b>Precision.</b> Rows and products are formed in the network's own type ({@link CurvatureBlock#rowType}):
 * FLOAT for every model the jobs build, DOUBLE for a DOUBLE network, and FLOAT for a HALF one (widening is exact;
 * {@code KroneckerFactorNarrowTypeTest}, {@code KroneckerFactorStatisticHalfTest}). The recorded inputs are in the
 * network's type whatever the features' type ({@link LayerRecorders}). For a FLOAT network:
 * <ul>
 *   <li>building ā and g in FLOAT is exact: the recorded inputs and pre-activation gradients are FLOAT values, and
 *       the patch copies, the bias column and the layout changes only copy them (plus zeros and ones);</li>
 *   <li>the only rounding is in the products, each chunk's Σ ā āᵀ summed by one FLOAT gemm over its rows
 *       (examples × |T|, up to tens of thousands); DL4J's backward pass forms the same layer's weight gradient
 *       Σ g āᵀ as a FLOAT sum over the same rows (the FLOAT rows reproduce it bit for bit,
 *       {@code KroneckerFactorStatisticConvTest}), so the factors get the precision of the gradient they
 *       precondition;</li>
 *   <li>chunks are added into the sums in FLOAT, in place (gemm with β = 1): a ghost batch has few chunks (one at
 *       ResNet-20 size), so this adds one rounding per chunk to the thousands inside each gemm (the precision test
 *       sees the same error with 32 one-example chunks as with one chunk); a DOUBLE accumulator would cost a d×d
 *       temporary and a cast per chunk, and the sum is rounded to FLOAT when it enters {@link StepSums} anyway,
 *       where ghost batches are added in a fixed tree order.</li>
 * </ul>
 * Measured on FLOAT convolutions over a CIFAR-sized ghost batch (up to 32,768 rows) against DOUBLE products of the
 * same rows, the factors differ by at most 2.1e-7 relative (Frobenius norm; {@code KroneckerFactorPrecisionTest}),
 * against 1e-8 to 3e-8 for rounding the exact sums to FLOAT, which the sums on the wire always had: far below the
 * sampling error of a factor estimate (its examples are a random batch, and the true Fisher's targets are sampled)
 * and the damping the driver adds (λ = 1e-3 by default). Each ghost batch's sums are computed by one thread from that
 * batch alone, in an order fixed by the block and the ghost batch size, so they are the same bits however the batch
 * is partitioned. Before this, the rows were built in DOUBLE:
 * twice the bytes and an extra copy of every input, for products that ended in FLOAT (docs/BENCHMARKS.md, issue 4).
 *
 * <p>All blocks and chunks fill one {@link RowBuffer} for ā and one for g, so a ghost batch allocates its largest
 * patch matrix once instead of once per block and chunk.
 */
final class KroneckerFactorSums {
    /** Examples are processed in chunks whose rows ā and g hold at most this many bytes. */
    static final long CHUNK_BYTES = 64L << 20;

    private final Map<BlockId, INDArray[]> sums = new LinkedHashMap<>();
    private final RowBuffer inputRows = new RowBuffer();
    private final RowBuffer gradientRows = new RowBuffer();
    private final long chunkBytes;
    private long examples;

    KroneckerFactorSums() {
        this(CHUNK_BYTES);
    }

    /** With another chunk bound; for tests of the chunked accumulation. */
    KroneckerFactorSums(long chunkBytes) {
        this.chunkBytes = chunkBytes;
    }

    /** Adds one ghost batch's rows for {@code block}. */
    void add(CurvatureBlock block, INDArray layerInput, INDArray preActivationGradient) {
        long n = layerInput.size(0);
        if (preActivationGradient.size(0) != n) {
            throw new IllegalStateException(block.id() + ": " + n + " inputs but " + preActivationGradient.size(0)
                    + " pre-activation gradients");
        }
        DataType type = CurvatureBlock.rowType(layerInput.dataType());
        INDArray[] acc = sums.computeIfAbsent(block.id(), id -> new INDArray[]{
                Nd4j.zeros(type, block.inputDim(), block.inputDim()),
                Nd4j.zeros(type, block.outputDim(), block.outputDim())});
        if (acc[0].dataType() != type) {
            throw new IllegalStateException(block.id() + ": " + type + " rows added to " + acc[0].dataType() + " sums");
        }
        long positions = block.positions(layerInput);
        long bytesPerExample = positions * (block.inputDim() + block.outputDim()) * type.width();
        long chunk = Math.max(1, chunkBytes / Math.max(1, bytesPerExample));
        for (long start = 0; start < n; start += chunk) {
            long end = Math.min(n, start + chunk);
            long rows = (end - start) * positions;
            INDArray a = inputRows.matrix(type, rows, block.inputDim());
            block.inputRows(examples(layerInput, start, end), a);
            INDArray g = gradientRows.matrix(type, rows, block.outputDim());
            block.gradientRows(examples(preActivationGradient, start, end), g);
            // In place (BLAS gemm, C ← α XᵀX + C): no d × d temporary per chunk, which for ResNet-50's widest block
            // (d = 4608) would be 85 MB of FLOAT per ghost batch.
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
