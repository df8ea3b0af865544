package dev.bigbatch.optimizer.state;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An optimizer's state as plain data: named arrays and named scalars, nothing else. Written and read back exactly by
 * {@link OptimizerStateCodec} (JSON + .npy in a zip; no Java serialization).
 */
public final class OptimizerState {
    private final String optimizer;
    /** False for {@link #view}: arrays are held as given. */
    private final boolean copies;
    private final Map<String, INDArray> arrays = new LinkedHashMap<>();
    private final Map<String, Long> longs = new LinkedHashMap<>();
    private final Map<String, Double> doubles = new LinkedHashMap<>();

    public OptimizerState(String optimizer) {
        this(optimizer, true);
    }

    private OptimizerState(String optimizer, boolean copies) {
        this.optimizer = Objects.requireNonNull(optimizer);
        this.copies = copies;
    }

    /**
     * A state whose {@link #put(String, INDArray)} keeps the array itself rather than a copy: for an optimizer to list
     * its own entries (names, shapes) without copying them, e.g. a K-FAC state of a ResNet-50 is gigabytes. Its arrays
     * change as the optimizer steps: never store or hand out such a state.
     */
    public static OptimizerState view(String optimizer) {
        return new OptimizerState(optimizer, false);
    }

    /** The optimizer name this state belongs to. */
    public String optimizer() {
        return optimizer;
    }

    /** Stores a copy of {@code a} ({@code a} itself in a {@link #view}). */
    public OptimizerState put(String name, INDArray a) {
        arrays.put(name, copies ? a.dup() : a);
        return this;
    }

    public OptimizerState put(String name, long v) {
        longs.put(name, v);
        return this;
    }

    public OptimizerState put(String name, double v) {
        doubles.put(name, v);
        return this;
    }

    /** A copy of the array {@code name}. */
    public INDArray array(String name) {
        INDArray a = arrays.get(name);
        if (a == null) {
            throw new IllegalArgumentException(optimizer + " state has no array '" + name + "'; it has " + arrays.keySet());
        }
        return a.dup();
    }

    public boolean hasArray(String name) {
        return arrays.containsKey(name);
    }

    public long getLong(String name) {
        Long v = longs.get(name);
        if (v == null) {
            throw new IllegalArgumentException(optimizer + " state has no integer '" + name + "'; it has " + longs.keySet());
        }
        return v;
    }

    public double getDouble(String name) {
        Double v = doubles.get(name);
        if (v == null) {
            throw new IllegalArgumentException(optimizer + " state has no number '" + name + "'; it has " + doubles.keySet());
        }
        return v;
    }

    public Map<String, INDArray> arrays() {
        return Collections.unmodifiableMap(arrays);
    }

    public Map<String, Long> longs() {
        return Collections.unmodifiableMap(longs);
    }

    public Map<String, Double> doubles() {
        return Collections.unmodifiableMap(doubles);
    }

    /** Checks that this state belongs to optimizer {@code name}. */
    public OptimizerState expect(String name) {
        if (!optimizer.equals(name)) {
            throw new IllegalArgumentException("state of optimizer '" + optimizer + "' cannot be restored into '" + name + "'");
        }
        return this;
    }
}
