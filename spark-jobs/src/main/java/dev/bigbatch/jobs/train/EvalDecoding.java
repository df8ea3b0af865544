package dev.bigbatch.jobs.train;

import dev.bigbatch.data.image.ImageDecodeException;
import dev.bigbatch.data.image.OrderedPrefetchIterator;
import dev.bigbatch.jobs.data.ExampleBlock;
import dev.bigbatch.jobs.exit.DataError;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * An evaluation task's batches, decoded in order without augmentation. With {@code run.decodeThreads() > 0} that many
 * background threads decode example after example, at most one batch ahead of the consumer, so that the next batch is
 * decoded while the current one runs through the network (as {@link GhostDecoding} does for training); with 0 threads
 * each batch is decoded inline when asked for. Either way each example lands in its own slice of its batch's array,
 * so the arrays are the same bits.
 *
 * <p>A decoding failure surfaces from the {@link #next()} call of its batch as a {@link DataError} naming the example
 * id. {@link #close()} cancels outstanding work and stops the threads.
 */
final class EvalDecoding implements AutoCloseable {
    private final RunSpec run;
    private final ExampleBlock block;
    private final int batchSize;
    private final int len;
    private final OrderedPrefetchIterator<Slot, float[]> prefetch;
    private int start;

    /** One example's place: its index in the block and where in which batch's array it goes. */
    private record Slot(int example, float[] features, int offset) {
    }

    EvalDecoding(RunSpec run, ExampleBlock block, int batchSize, String threadName) {
        this.run = run;
        this.block = block;
        this.batchSize = batchSize;
        this.len = run.decoder().outputLength();
        int threads = run.decodeThreads();
        this.prefetch = threads == 0 || block.size() == 0 ? null : new OrderedPrefetchIterator<>(slots(), s -> {
            decode(s.example(), s.features(), s.offset());
            return s.features();
        }, threads, Math.max(threads, batchSize), threadName);
        if (prefetch != null) {
            prefetch.hasNext(); // start decoding now, while the task loads its replica
        }
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
        int n = nextSize();
        float[] x = null;
        if (prefetch == null) {
            x = new float[n * len];
            for (int i = 0; i < n; i++) {
                decode(start + i, x, i * len);
            }
        } else {
            for (int i = 0; i < n; i++) {
                x = prefetch.next(); // the same array for every example of the batch: its slices are filled
            }
        }
        start += n;
        return x;
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

    /** Every example in order; a batch's array is allocated when its first slot is. */
    private Iterator<Slot> slots() {
        return new Iterator<>() {
            private int i;
            private float[] features;

            @Override
            public boolean hasNext() {
                return i < block.size();
            }

            @Override
            public Slot next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int position = i % batchSize;
                if (position == 0) {
                    features = new float[Math.min(batchSize, block.size() - i) * len];
                }
                return new Slot(i++, features, position * len);
            }
        };
    }

    @Override
    public void close() {
        if (prefetch != null) {
            prefetch.close();
        }
    }
}
