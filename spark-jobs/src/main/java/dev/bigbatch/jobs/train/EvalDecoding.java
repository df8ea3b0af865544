package dev.bigbatch.jobs.train;

import dev.bigbatch.data.image.ImageDecodeException;
import dev.bigbatch.jobs.data.ExampleBlock;
import dev.bigbatch.jobs.exit.DataError;

import java.util.NoSuchElementException;

/**
 * An evaluation task's batches of one cached block (the chunks of an {@link EvaluationSplit} partition, each
 * {@code batchSize} examples but the split's last), decoded in order without augmentation ({@link DecodedBatches}: on
 * {@code run.decodeThreads()} background threads, the next batch while the current one runs through the network, or
 * inline with 0; the same bits either way).
 *
 * <p>A decoding failure surfaces from the {@link #next()} call of its batch as a {@link DataError} naming the example
 * id. {@link #close()} cancels outstanding work and stops the threads.
 */
final class EvalDecoding implements AutoCloseable {
    private final RunSpec run;
    private final ExampleBlock block;
    private final int batchSize;
    private final DecodedBatches batches;
    private int start;

    EvalDecoding(RunSpec run, ExampleBlock block, int batchSize, String threadName) {
        this.run = run;
        this.block = block;
        this.batchSize = batchSize;
        int[] sizes = new int[(block.size() + batchSize - 1) / batchSize];
        for (int j = 0; j < sizes.length; j++) {
            sizes[j] = Math.min(batchSize, block.size() - j * batchSize);
        }
        this.batches = new DecodedBatches(sizes, run.decoder().outputLength(), run.decodeThreads(),
                (j, p, out, offset) -> decode(j * batchSize + p, out, offset), threadName);
    }

    boolean hasNext() {
        return start < block.size();
    }

    /** Index in the block of the next batch's first example. */
    int nextStart() {
        return start;
    }

    /** Examples in the next batch. */
    int nextSize() {
        return Math.min(batchSize, block.size() - start);
    }

    /** The next batch's features, {@link #nextSize()} examples of {@code outputLength} floats each. */
    float[] next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        start += nextSize();
        return batches.next();
    }

    private void decode(int i, float[] x, int offset) {
        try {
            run.decoder().decode(block.image(i), false, 0L, x, offset);
        } catch (ImageDecodeException | IllegalArgumentException e) {
            throw new DataError("evaluation example id " + block.id(i) + " (label " + block.label(i) + ", "
                    + block.image(i).length + " bytes) cannot be decoded: " + e.getMessage()
                    + "; prepare the dataset again", e);
        }
    }

    @Override
    public void close() {
        batches.close();
    }
}
