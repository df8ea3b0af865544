package dev.bigbatch.jobs.data;

import dev.bigbatch.jobs.exit.DataError;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/**
 * All examples of one cached partition, sorted by id, so that a step can find its members by binary search instead
 * of scanning. One block per partition is what the loop caches.
 */
public final class ExampleBlock implements Serializable {
    private static final long serialVersionUID = 1L;
    private final long[] ids;
    private final int[] labels;
    private final byte[][] images;

    private ExampleBlock(long[] ids, int[] labels, byte[][] images) {
        this.ids = ids;
        this.labels = labels;
        this.images = images;
    }

    /**
     * @param records the partition's examples, in any order
     * @param source  what they were read from (a split's URI), for the error a repeated id is
     */
    public static ExampleBlock of(Iterator<ExampleRecord> records, String source) {
        List<ExampleRecord> all = new ArrayList<>();
        records.forEachRemaining(all::add);
        all.sort(Comparator.comparingLong(ExampleRecord::id));
        long[] ids = new long[all.size()];
        int[] labels = new int[all.size()];
        byte[][] images = new byte[all.size()][];
        for (int i = 0; i < ids.length; i++) {
            ExampleRecord r = all.get(i);
            if (i > 0 && r.id() == ids[i - 1]) {
                throw new DataError(source + ": example id " + r.id() + " appears twice; a prepared split numbers its "
                        + "examples 0..n-1 once each: prepare the dataset again");
            }
            ids[i] = r.id();
            labels[i] = r.label();
            images[i] = r.image();
        }
        return new ExampleBlock(ids, labels, images);
    }

    public int size() {
        return ids.length;
    }

    /** Position of {@code id} in this block, or −1. */
    public int indexOf(long id) {
        int i = Arrays.binarySearch(ids, id);
        return i >= 0 ? i : -1;
    }

    public long id(int i) {
        return ids[i];
    }

    public int label(int i) {
        return labels[i];
    }

    public byte[] image(int i) {
        return images[i];
    }
}
