package dev.bigbatch.jobs.data;

import java.io.Serializable;

/**
 * One example of a prepared split as the loop holds it: its id within the split, its class and its stored image.
 */
public record ExampleRecord(long id, int label, byte[] image) implements Serializable {
}
