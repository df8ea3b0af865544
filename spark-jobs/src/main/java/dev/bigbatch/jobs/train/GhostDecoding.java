package dev.bigbatch.jobs.train;

import dev.bigbatch.data.image.OrderedPrefetchIterator;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * A task's ghost batches, decoded in step order and handed out one by one. With {@code n = run.decodeThreads() > 0},
 * n background threads decode example after example in order, at most one ghost batch ahead of the consumer: while
 * ghost batch j computes, the g examples of j + 1 are decoded, n at a time (so a task that owns a single ghost batch
 * still decodes it n-fold in parallel). With 0 threads every ghost batch is decoded inline when it is asked for.
 *
 * <p>Results are the same bits either way: every example's augmentation is seeded by (run seed, epoch, example id)
 * alone, each example is written to its own slice of its ghost batch's array, and ghost batches are handed out in
 * index order, which is the order {@code GhostTree.sumRange} asks for its leaves. The float arrays become INDArrays
 * only on the consumer's thread, the one ND4J (and its device) is bound to.
 *
 * <p>{@link #close()} cancels outstanding decoding and stops the threads; the task calls it when it ends, normally or
 * not. A decoding failure surfaces, unchanged, from the {@link #next} call of its ghost batch.
 */
final class GhostDecoding implements AutoCloseable {
    private final RunSpec run;
    private final int epoch;
    private final int first;
    private final GhostMember[][] members;
    private final OrderedPrefetchIterator<Slot, float[]> prefetch;
    private int nextIndex;

    /** One example's place: its member and where in which ghost batch's array it goes. */
    private record Slot(GhostMember member, float[] features, int offset) {
    }

    /**
     * @param first   index (in the step) of {@code members[0]}'s ghost batch
     * @param members members of consecutive ghost batches, each in position order
     */
    GhostDecoding(RunSpec run, int epoch, int first, GhostMember[][] members, String threadName) {
        this.run = run;
        this.epoch = epoch;
        this.first = first;
        this.members = members;
        this.nextIndex = first;
        int threads = run.decodeThreads();
        int ghost = members.length == 0 ? 1 : members[0].length;
        this.prefetch = threads == 0 || members.length == 0 ? null : new OrderedPrefetchIterator<>(slots(), s -> {
            GhostBatch.decodeExample(s.member(), run, epoch, s.features(), s.offset());
            return s.features();
        }, threads, Math.max(threads, ghost), threadName);
        if (prefetch != null) {
            prefetch.hasNext(); // start decoding now, while the task loads its replica
        }
    }

    /** Ghost batch {@code index}, which must be the next one in order. */
    GhostBatch next(int index) {
        if (index != nextIndex || index - first >= members.length) {
            throw new IllegalStateException("ghost batch " + index + " asked for, the next is " + nextIndex
                    + " of [" + first + ", " + (first + members.length) + ")");
        }
        nextIndex++;
        GhostMember[] m = members[index - first];
        if (prefetch == null) {
            return GhostBatch.decode(index, m, run, epoch);
        }
        float[] features = null;
        for (int i = 0; i < m.length; i++) {
            features = prefetch.next(); // the same array for every member: its slices are filled
        }
        return GhostBatch.of(index, m, features, run);
    }

    /** The examples of all ghost batches in order; a ghost batch's array is allocated when its first slot is. */
    private Iterator<Slot> slots() {
        int len = run.decoder().outputLength();
        return new Iterator<>() {
            private int ghost;
            private int position;
            private float[] features;

            @Override
            public boolean hasNext() {
                return ghost < members.length;
            }

            @Override
            public Slot next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                GhostMember[] m = members[ghost];
                if (position == 0) {
                    features = new float[m.length * len];
                }
                Slot s = new Slot(m[position], features, position * len);
                if (++position == m.length) {
                    ghost++;
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
