package dev.bigbatch.jobs.train;

import dev.bigbatch.data.image.OrderedPrefetchIterator;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Consecutive batches of examples, each decoded into one float array (the example at position p of a batch at offset
 * p × {@code length}), handed out in order; shared by training ({@link GhostDecoding}) and evaluation
 * ({@link EvalDecoding}). With {@code threads > 0}, that many background threads decode example after example, at most
 * one batch ahead of the consumer: while batch j computes, the examples of j + 1 are decoded, {@code threads} at a
 * time (so a task with a single batch still decodes it in parallel). With 0 threads each batch is decoded inline when
 * it is asked for.
 *
 * <p>The arrays are the same bits either way, provided the decoder's result depends only on the example (training
 * seeds augmentation by run seed, epoch and example id): each example is written to its own slice of its batch's
 * array. The float arrays become INDArrays only on the consumer's thread, the one ND4J (and its device) is bound to.
 *
 * <p>A decoding failure surfaces, unchanged, from the {@link #next()} call of its batch. {@link #close()} cancels
 * outstanding decoding and stops the threads; the task calls it when it ends, normally or not.
 */
final class DecodedBatches implements AutoCloseable {
    /** Decodes the example at {@code position} of batch {@code batch} into {@code out[offset, offset + length)}. */
    @FunctionalInterface
    interface ExampleDecoder {
        void decode(int batch, int position, float[] out, int offset);
    }

    private final int[] sizes;
    private final int length;
    private final ExampleDecoder decoder;
    private final OrderedPrefetchIterator<Slot, float[]> prefetch;
    private int next;

    /** One example's place: its batch and position, and the batch's array. */
    private record Slot(int batch, int position, float[] features) {
    }

    /**
     * @param sizes  examples per batch, each at least 1
     * @param length floats per decoded example
     */
    DecodedBatches(int[] sizes, int length, int threads, ExampleDecoder decoder, String threadName) {
        if (Arrays.stream(sizes).anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException("every batch needs at least one example: " + Arrays.toString(sizes));
        }
        this.sizes = sizes.clone();
        this.length = length;
        this.decoder = decoder;
        int widest = Arrays.stream(sizes).max().orElse(1);
        this.prefetch = threads == 0 || sizes.length == 0 ? null : new OrderedPrefetchIterator<>(slots(), s -> {
            decoder.decode(s.batch(), s.position(), s.features(), s.position() * length);
            return s.features();
        }, threads, Math.max(threads, widest), threadName);
        if (prefetch != null) {
            prefetch.hasNext(); // start decoding now, while the task loads its replica
        }
    }

    boolean hasNext() {
        return next < sizes.length;
    }

    /** The next batch's features: {@code sizes[j] × length} floats. */
    float[] next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        int batch = next++;
        int n = sizes[batch];
        if (prefetch == null) {
            float[] x = new float[n * length];
            for (int p = 0; p < n; p++) {
                decoder.decode(batch, p, x, p * length);
            }
            return x;
        }
        float[] x = null;
        for (int p = 0; p < n; p++) {
            x = prefetch.next(); // the same array for every example of the batch: its slices are filled
        }
        return x;
    }

    /** Every example in order; a batch's array is allocated when its first slot is. */
    private Iterator<Slot> slots() {
        return new Iterator<>() {
            private int batch;
            private int position;
            private float[] features;

            @Override
            public boolean hasNext() {
                return batch < sizes.length;
            }

            @Override
            public Slot next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                if (position == 0) {
                    features = new float[sizes[batch] * length];
                }
                Slot s = new Slot(batch, position, features);
                if (++position == sizes[batch]) {
                    batch++;
                    position = 0;
                }
                return s;
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
