package dev.bigbatch.optimizer.kfac;

import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.TrainingShape;
import dev.bigbatch.optimizer.state.OptimizerState;
import dev.bigbatch.optimizer.state.OptimizerStateCodec;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checkpoint round trip: restore through the codec, step, and compare bits with never having stopped. */
class KfacOptimizerStateTest {
    private static final TrainingShape SHAPE = new TrainingShape(100, 10, 8);

    @Test
    void restoredOptimizerContinuesBitExactly() throws Exception {
        for (int stopAt : new int[]{0, 1, 5, 6}) {
            KfacConfig config = KfacOptimizerTest.config(DampingMode.TIKHONOV_EIGEN, 0.02);
            ParameterLayout layout = SyntheticSteps.layout();
            KfacOptimizer uninterrupted = config.create(layout, SHAPE);
            INDArray p1 = SyntheticSteps.initialParams(11);
            for (int t = 0; t < stopAt; t++) {
                uninterrupted.step(p1, SyntheticSteps.sums(17, t, t % 2 == 0));
            }
            byte[] checkpoint = OptimizerStateCodec.toBytes(uninterrupted.state());
            INDArray p2 = p1.dup();
            KfacOptimizer restored = config.create(layout, SHAPE);
            restored.restore(OptimizerStateCodec.fromBytes(checkpoint, "checkpoint"));
            assertEquals(stopAt, restored.stepCount());
            for (int t = stopAt; t < stopAt + 7; t++) {
                var sums = SyntheticSteps.sums(17, t, t % 2 == 0);
                assertEquals(uninterrupted.request().statistics().size(), restored.request().statistics().size());
                uninterrupted.step(p1, sums);
                restored.step(p2, SyntheticSteps.sums(17, t, t % 2 == 0));
                assertArrayEquals(p1.toDoubleVector(), p2.toDoubleVector(), "step " + t + " after restoring at " + stopAt);
            }
            assertSameBits(uninterrupted.state(), restored.state());
        }
    }

    @Test
    void stateHoldsFactorsEigendecompositionsMomentumAndCounters() {
        KfacOptimizer kfac = KfacOptimizerTest.config(DampingMode.TIKHONOV_EIGEN, 0.02)
                .create(SyntheticSteps.layout(), SHAPE);
        INDArray p = SyntheticSteps.initialParams(12);
        for (int t = 0; t < 3; t++) {
            kfac.step(p, SyntheticSteps.sums(18, t, t % 2 == 0));
        }
        OptimizerState s = kfac.state();
        assertEquals("kfac", s.optimizer());
        assertEquals(3, s.getLong("step"));
        assertEquals(2, s.getLong(SyntheticSteps.DENSE.stem() + ".updates"));
        for (String suffix : new String[]{".A", ".G", ".A.eigenvalues", ".A.eigenvectors", ".G.eigenvalues",
                ".G.eigenvectors"}) {
            assertTrue(s.hasArray(SyntheticSteps.DENSE.stem() + suffix), suffix);
            assertTrue(s.hasArray(SyntheticSteps.OUTPUT.stem() + suffix), suffix);
        }
        assertTrue(s.hasArray("velocity"));
        assertEquals(org.nd4j.linalg.api.buffer.DataType.DOUBLE, s.array(SyntheticSteps.DENSE.inputKey()).dataType());
    }

    @Test
    void refusesAnotherOptimizersState() {
        KfacOptimizer kfac = KfacOptimizerTest.config(DampingMode.TIKHONOV_EIGEN, 0).create(SyntheticSteps.layout(), SHAPE);
        assertThrows(IllegalArgumentException.class, () -> kfac.restore(new OptimizerState("momentum").put("step", 3L)));
    }

    private static void assertSameBits(OptimizerState a, OptimizerState b) {
        assertEquals(a.longs(), b.longs());
        assertEquals(a.arrays().keySet(), b.arrays().keySet());
        for (Map.Entry<String, INDArray> e : a.arrays().entrySet()) {
            assertArrayEquals(e.getValue().ravel().toDoubleVector(), b.arrays().get(e.getKey()).ravel().toDoubleVector(),
                    e.getKey());
        }
    }
}
