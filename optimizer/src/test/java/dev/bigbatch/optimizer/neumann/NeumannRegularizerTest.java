package dev.bigbatch.optimizer.neumann;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Eq. 8 of Krishnan et al. 2018 on explicit vectors, and the guard at ‖w − v‖ = 0. */
class NeumannRegularizerTest {

    @Test
    void addsTheGradientOfTheCubicAndRepulsiveTermsWithOneNormOverAllEntries() {
        double alpha = 0.7, beta = 0.02;
        float[] g = {0.5f, -1f, 0.25f, 2f};
        float[] offset = {0.3f, -0.1f, 0.2f, 0.05f}; // w − v, as if two tensors [0, 2) and [2, 4)
        INDArray d = Nd4j.createFromArray(g.clone());
        double r = new NeumannRegularizer(alpha, beta).addGradient(d, Nd4j.createFromArray(offset.clone()));
        double r2 = 0;
        for (float o : offset) {
            r2 += (double) o * o;
        }
        assertEquals(Math.sqrt(r2), r, 1e-7);
        for (int i = 0; i < g.length; i++) {
            double expected = g[i] + (alpha * r2 - beta / r2) * offset[i] / Math.sqrt(r2);
            assertEquals(expected, d.getDouble(i), 1e-6, "d[" + i + "]");
        }
    }

    @Test
    void zeroDistanceAndOverflowLeaveTheTermsOut() {
        NeumannRegularizer reg = new NeumannRegularizer(1e-7, 256);
        assertEquals(0.0, reg.coefficient(0.0));
        assertEquals(0.0, reg.coefficient(1e-120), "β / r³ overflows to infinity");
        assertEquals(1e-7 * 2 - 256 / 8.0, reg.coefficient(2.0), 1e-12);
        INDArray d = Nd4j.createFromArray(1f, 2f);
        reg.addGradient(d, Nd4j.zeros(d.dataType(), 2));
        assertEquals(Nd4j.createFromArray(1f, 2f), d);
    }
}
