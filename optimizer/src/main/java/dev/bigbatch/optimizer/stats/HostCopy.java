package dev.bigbatch.optimizer.stats;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Heap copies of ND4J vectors for what leaves the JVM's native memory: the executors' per-ghost-batch sums
 * ({@link StepSums}), the parameters and Neumann offset the driver ships with every step, and evaluation weights.
 */
public final class HostCopy {
    private HostCopy() {
    }

    /**
     * The entries of {@code v}, cast to FLOAT and flattened, as a new float[], without the off-heap copy that
     * {@code INDArray.toFloatVector()} makes first: in ND4J 1.0.0-M2.1 {@code BaseNDArray.toFloatVector()} is
     * {@code dup().data().asFloat()}, one parameter-sized native allocation per call.
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
    public static float[] floats(INDArray v) {
        INDArray flat = v.castTo(DataType.FLOAT).reshape(v.length());
        boolean wholeBuffer = !flat.isEmpty() && !flat.isCompressed() && flat.rank() == 1 && flat.stride(0) == 1
                && flat.offset() == 0 && flat.data().length() == flat.length()
                && flat.data().dataType() == DataType.FLOAT;
        return wholeBuffer ? flat.data().asFloat() : flat.toFloatVector();
    }
}
