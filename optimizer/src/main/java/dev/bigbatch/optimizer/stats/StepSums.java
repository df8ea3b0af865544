package dev.bigbatch.optimizer.stats;

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
        float[] x = HostCopy.floats(v);
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
