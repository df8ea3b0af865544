package dev.bigbatch.jobs.train;

import java.util.Arrays;

/**
 * A task's ghost batches, decoded in step order ({@link DecodedBatches}: on {@code run.decodeThreads()} background
 * threads at most one ghost batch ahead of the consumer, or inline with 0) and handed out one by one.
 *
 * <p>Results are the same bits either way: every example's augmentation is seeded by (run seed, epoch, example id)
 * alone, each example is written to its own slice of its ghost batch's array, and ghost batches are handed out in
 * index order, which is the order {@code GhostTree.sumRange} asks for its leaves.
 *
 * <p>{@link #close()} cancels outstanding decoding and stops the threads; the task calls it when it ends, normally or
 * not. A decoding failure surfaces, unchanged, from the {@link #next} call of its ghost batch.
 */
final class GhostDecoding implements AutoCloseable {
    private final RunSpec run;
    private final int first;
    private final GhostMember[][] members;
    private final DecodedBatches batches;
    private int nextIndex;

    /**
     * @param first   index (in the step) of {@code members[0]}'s ghost batch
     * @param members members of consecutive ghost batches, each in position order
     */
    GhostDecoding(RunSpec run, int epoch, int first, GhostMember[][] members, String threadName) {
        this.run = run;
        this.first = first;
        this.members = members;
        this.nextIndex = first;
        this.batches = new DecodedBatches(Arrays.stream(members).mapToInt(m -> m.length).toArray(),
                run.decoder().outputLength(), run.decodeThreads(),
                (j, p, out, offset) -> GhostBatch.decodeExample(members[j][p], run, epoch, out, offset), threadName);
    }

    /** Ghost batch {@code index}, which must be the next one in order. */
    GhostBatch next(int index) {
        if (index != nextIndex || index - first >= members.length) {
            throw new IllegalStateException("ghost batch " + index + " asked for, the next is " + nextIndex
                    + " of [" + first + ", " + (first + members.length) + ")");
        }
        nextIndex++;
        return GhostBatch.of(index, members[index - first], batches.next(), run);
    }

    @Override
    public void close() {
        batches.close();
    }
}
