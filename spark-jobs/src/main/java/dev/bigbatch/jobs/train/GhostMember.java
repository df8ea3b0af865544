package dev.bigbatch.jobs.train;

import java.io.Serializable;

/**
 * An example on its way to the partition that computes its ghost batch.
 *
 * @param position index within the step (ghost = position / g)
 */
public record GhostMember(int position, long id, int label, byte[] image) implements Serializable {
}
