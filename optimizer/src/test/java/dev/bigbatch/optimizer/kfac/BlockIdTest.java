package dev.bigbatch.optimizer.kfac;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Statistic keys and the packed triangles they carry. */
class BlockIdTest {

    @Test
    void keysRoundTripEvenWithDotsInLayerNames() {
        for (String layer : new String[]{"0", "res2a_branch2b", "stage.1.conv", "x.A"}) {
            for (BlockKind kind : BlockKind.values()) {
                BlockId id = new BlockId(kind, layer);
                assertEquals("kfac." + kind.id() + "." + layer + ".A", id.inputKey());
                assertEquals(Optional.of(id), BlockId.ofInputKey(id.inputKey()));
                assertEquals(Optional.empty(), BlockId.ofInputKey(id.outputKey()));
                assertEquals(Optional.empty(), BlockId.ofInputKey(id.inputKey() + ".eigenvalues"));
            }
        }
        assertEquals(Optional.empty(), BlockId.ofInputKey(BlockId.COUNT_KEY));
        assertEquals(Optional.empty(), BlockId.ofInputKey("kfac.lstm.0.A"));
        assertEquals(Optional.empty(), BlockId.ofInputKey("neumann.m.A"));
    }

    @Test
    void packedTrianglesRoundTrip() {
        INDArray m = Nd4j.create(new double[][]{{1, 2, 3}, {2, 4, 5}, {3, 5, 6}});
        INDArray packed = PackedSymmetric.pack(m);
        assertArrayEquals(new double[]{1, 2, 3, 4, 5, 6}, packed.toDoubleVector());
        float[] wire = packed.castTo(DataType.FLOAT).toFloatVector();
        assertEquals(m.mul(0.5), PackedSymmetric.unpack(wire, 0.5));
        assertEquals(3, PackedSymmetric.dimension(6));
        assertThrows(IllegalArgumentException.class, () -> PackedSymmetric.dimension(5));
    }

    @Test
    void outputDimensionFollowsDl4jWeightShapes() {
        assertEquals(7, BlockKind.DENSE.outputDim(new long[]{3, 7}));
        assertEquals(8, BlockKind.CONV2D.outputDim(new long[]{8, 3, 3, 3}));
        assertThrows(IllegalArgumentException.class, () -> BlockKind.DENSE.outputDim(new long[]{8, 3, 3, 3}));
    }
}
