package dev.bigbatch.optimizer.stats;

import dev.bigbatch.optimizer.OptimizerFixtures;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * How a gradient gets into the float[] sum: straight from the array's buffer when the array is the whole buffer,
 * through {@code toFloatVector()} otherwise; the values must be the array's either way.
 */
class StepSumsTest {
    static final INDArray BUFFER = Nd4j.createFromArray(OptimizerFixtures.gaussian(new Random(3), 60, 1.0));

    /** The array's entries in order, read one at a time: independent of how StepSums copies them. */
    static float[] entries(INDArray v) {
        float[] out = new float[(int) v.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) v.getDouble(i);
        }
        return out;
    }

    /** Vectors that share BUFFER's memory in every way ND4J lays them out, and copies of other types. */
    static Map<String, INDArray> vectors() {
        INDArray matrix = BUFFER.reshape(6, 10);
        return Map.of(
                "whole buffer", BUFFER,
                "reshaped (a view buffer of the same extent)", BUFFER.reshape(1, 60).reshape(60),
                "first half (offset 0, data() is the whole buffer)", BUFFER.get(NDArrayIndex.interval(0, 30)),
                "middle (offset 10)", BUFFER.get(NDArrayIndex.interval(10, 40)),
                "first column (offset 0, stride 10)", matrix.getColumn(0),
                "fourth column (offset 3, stride 10)", matrix.getColumn(3),
                "DOUBLE", BUFFER.castTo(DataType.DOUBLE),
                "DOUBLE column", matrix.getColumn(3).castTo(DataType.DOUBLE),
                "row matrix [1, 60]", BUFFER.reshape(1, 60));
    }

    @Test
    void hostCopyReadsExactlyTheArraysEntries() {
        for (Map.Entry<String, INDArray> e : vectors().entrySet()) {
            INDArray v = e.getValue();
            if (v.rank() == 1 && v.dataType() == DataType.FLOAT) {
                assertArrayEquals(entries(v), HostCopy.floats(v), e.getKey());
            }
        }
    }

    @Test
    void addGradientSumsTheArraysEntriesWhateverTheirLayoutOrType() {
        for (Map.Entry<String, INDArray> e : vectors().entrySet()) {
            INDArray v = e.getValue();
            float[] x = entries(v);
            float[] expected = new float[x.length];
            for (int i = 0; i < x.length; i++) {
                expected[i] = (float) (x[i] * 0.5);
                expected[i] += (float) (x[i] * 3.0);
            }
            StepSums s = new StepSums();
            s.addGradient(v, 0.5);
            s.addGradient(v, 3.0);
            assertArrayEquals(expected, s.gradientSum(), e.getKey());
            assertArrayEquals(x, entries(v), e.getKey() + ": the array added must not change");
        }
    }

    @Test
    void aWholeFloatVectorIsCopiedWithoutAnNd4jAllocation() {
        INDArray g = Nd4j.createFromArray(OptimizerFixtures.gaussian(new Random(4), 10_000, 1.0));
        StepSums s = new StepSums();
        assertEquals(0, OptimizerFixtures.allocatedBytes(() -> s.addGradient(g, 1.0)));
        assertEquals(0, OptimizerFixtures.allocatedBytes(() -> s.addGradient(g.reshape(1, 10_000), 1.0)));
        assertArrayEquals(entries(g.mul(2)), s.gradientSum());
    }
}
