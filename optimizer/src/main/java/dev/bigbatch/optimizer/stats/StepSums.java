package dev.bigbatch.optimizer.stats;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * What executors send the driver for one step: sums over examples, never averages.
 *
 * <p>A commutative monoid (Spark MLlib's {@code DifferentiableLossAggregator} pattern): {@link #StepSums()} is the zero
 * (it holds no arrays, so shipping it in every task closure costs nothing), {@link #merge} adds another sum into this
 * one. The example count is the weight; averages are formed once, on the driver ({@link #meanGradient()}).
 *
 * <p>The gradient is the sum of per-example loss gradients over all examples (DL4J's backward pass already returns
 * sums: it leaves the division by the minibatch size to its updater). Batch-norm running-statistic entries instead
 * hold sum over ghost batches of (ghost size × DL4J's running-statistic delta), so that dividing by the count gives
 * the example-weighted mean delta.
 *
 * <p>{@link #extras} carries the optimizer's own statistics (Kronecker factors, Neumann iterates, ...), each a flat
 * sum of the same kind, keyed by the name its {@link ShardStatistic} chose.
 */
public final class StepSums implements Serializable {
    private static final long serialVersionUID = 1L;

    private long count;
    private double lossSum;
    private long correctTop1;
    private long correctTop5;
    private float[] gradient;
    private final TreeMap<String, float[]> extras = new TreeMap<>();

    /** The zero. */
    public StepSums() {
    }

    public long count() {
        return count;
    }

    public double lossSum() {
        return lossSum;
    }

    public long correctTop1() {
        return correctTop1;
    }

    public long correctTop5() {
        return correctTop5;
    }

    public double meanLoss() {
        return count == 0 ? Double.NaN : lossSum / count;
    }

    public double top1() {
        return count == 0 ? Double.NaN : (double) correctTop1 / count;
    }

    public double top5() {
        return count == 0 ? Double.NaN : (double) correctTop5 / count;
    }

    /** Adds the loss and accuracy of {@code n} examples. */
    public void addExamples(long n, double lossSum, long correctTop1, long correctTop5) {
        this.count += n;
        this.lossSum += lossSum;
        this.correctTop1 += correctTop1;
        this.correctTop5 += correctTop5;
    }

    /** Adds {@code scale × g} (a flat vector) into the gradient sum. */
    public void addGradient(INDArray g, double scale) {
        gradient = addInto(gradient, g, scale);
    }

    /** Adds {@code scale × v} into the extra statistic {@code key}. */
    public void addExtra(String key, INDArray v, double scale) {
        extras.put(key, addInto(extras.get(key), v, scale));
    }

    private static float[] addInto(float[] acc, INDArray v, double scale) {
        float[] x = heapCopy(v.castTo(DataType.FLOAT).reshape(v.length()));
        if (acc == null) {
            if (scale != 1.0) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) (x[i] * scale);
                }
            }
            return x;
        }
        if (acc.length != x.length) {
            throw new IllegalArgumentException("length " + x.length + " added to a sum of length " + acc.length);
        }
        for (int i = 0; i < x.length; i++) {
            acc[i] += (float) (x[i] * scale);
        }
        return acc;
    }

    /**
     * The entries of a rank-1 FLOAT array as a new float[], without the off-heap copy that
     * {@code INDArray.toFloatVector()} makes first: in ND4J 1.0.0-M2.1 {@code BaseNDArray.toFloatVector()} is
     * {@code dup().data().asFloat()}, one parameter-sized native allocation per ghost batch on the executors.
     *
     * <p>When the array starts at its buffer's first entry, has unit stride and is exactly as long as the buffer, its
     * entries are the buffer's, in order, and {@code DataBuffer.asFloat()} (which reads the buffer's {@code length()}
     * entries from its start) copies exactly them, on either backend: nd4j-native's {@code BaseCpuDataBuffer} does not
     * override {@code BaseDataBuffer.asFloat()}, which reads host memory; nd4j-cuda's
     * {@code BaseCudaDataBuffer.asFloat()} first calls {@code lazyAllocateHostPointer()} and
     * {@code allocator.synchronizeHostData(this)} (device to host), then {@code BaseDataBuffer.asFloat()}. That is
     * the call {@code toFloatVector()} ends with, made on the array's own buffer instead of the copy's. The buffer may
     * be a view buffer: every reshape wraps the array's buffer in one of the same offset and length
     * ({@code Shape.newShapeNoCopy}), so does DL4J's {@code DefaultGradient.gradient()} around
     * {@code ComputationGraph}'s {@code flattenedGradients}, and both backends give such a buffer its own host pointer
     * at its first entry ({@code BaseCpuDataBuffer}/{@code BaseCudaDataBuffer(DataBuffer, long, long)} via
     * {@code createView}). Anything else takes {@code toFloatVector()}: a sub-array at offset 0, whose {@code data()}
     * is the whole underlying buffer ({@code BaseNDArray}'s constructors wrap only offsets above 0), a strided column,
     * an empty or a compressed array.
     */
    static float[] heapCopy(INDArray flat) {
        boolean wholeBuffer = !flat.isEmpty() && !flat.isCompressed() && flat.rank() == 1 && flat.stride(0) == 1
                && flat.offset() == 0 && flat.data().length() == flat.length()
                && flat.data().dataType() == DataType.FLOAT;
        return wholeBuffer ? flat.data().asFloat() : flat.toFloatVector();
    }

    /** Adds {@code other} into this sum and returns this. Associative and commutative up to float rounding. */
    public StepSums merge(StepSums other) {
        count += other.count;
        lossSum += other.lossSum;
        correctTop1 += other.correctTop1;
        correctTop5 += other.correctTop5;
        gradient = mergeArrays(gradient, other.gradient);
        for (Map.Entry<String, float[]> e : other.extras.entrySet()) {
            extras.put(e.getKey(), mergeArrays(extras.get(e.getKey()), e.getValue()));
        }
        return this;
    }

    private static float[] mergeArrays(float[] a, float[] b) {
        if (b == null) {
            return a;
        }
        if (a == null) {
            return b.clone();
        }
        if (a.length != b.length) {
            throw new IllegalArgumentException("cannot merge sums of length " + a.length + " and " + b.length);
        }
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
        return a;
    }

    /** The summed gradient (not a copy), or null if no example contributed one. */
    public float[] gradientSum() {
        return gradient;
    }

    /** A new FLOAT vector: gradient sum / count. */
    public INDArray meanGradient() {
        if (gradient == null || count == 0) {
            throw new IllegalStateException("no examples were aggregated for this step");
        }
        INDArray g = Nd4j.createFromArray(gradient); // copies into a new (off-heap) buffer
        return g.divi(count);
    }

    public boolean hasExtra(String key) {
        return extras.containsKey(key);
    }

    /** The summed extra statistic (not a copy), or null. */
    public float[] extraSum(String key) {
        return extras.get(key);
    }

    public Map<String, float[]> extras() {
        return java.util.Collections.unmodifiableMap(extras);
    }

    /** Bytes of array payload, for reports of aggregation volume. */
    public long payloadBytes() {
        long n = gradient == null ? 0 : gradient.length;
        for (float[] e : extras.values()) {
            n += e.length;
        }
        return 4 * n;
    }
}
