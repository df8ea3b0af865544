package dev.bigbatch.optimizer.kfac;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FactorEigendecompositionTest {

    @Test
    void decomposesASymmetricMatrix() {
        FactorMatrix m = randomPsd("m", 6, 1);
        EigenResult r = FactorEigendecomposition.decompose(m);
        assertTrue(r.ok(), r.failure());
        int n = m.n();
        double[] q = r.eigenvectors();
        for (int j = 0; j < n; j++) {
            if (j > 0) {
                assertTrue(r.eigenvalues()[j] >= r.eigenvalues()[j - 1], "ascending");
            }
            for (int i = 0; i < n; i++) {
                double mq = 0;
                for (int k = 0; k < n; k++) {
                    mq += m.values()[i * n + k] * q[k * n + j];
                }
                assertEquals(r.eigenvalues()[j] * q[i * n + j], mq, 1e-10, "M q_j = s_j q_j");
            }
            for (int k = 0; k < n; k++) {
                double dot = 0;
                for (int i = 0; i < n; i++) {
                    dot += q[i * n + j] * q[i * n + k];
                }
                assertEquals(j == k ? 1 : 0, dot, 1e-12, "orthonormal");
            }
        }
    }

    @Test
    void theShiftAddsToTheEigenvalues() {
        FactorMatrix m = randomPsd("m", 4, 2);
        EigenResult plain = FactorEigendecomposition.decompose(m);
        EigenResult shifted = FactorEigendecomposition.decompose(new FactorMatrix("m", 4, m.values(), 0.5));
        for (int i = 0; i < 4; i++) {
            assertEquals(plain.eigenvalues()[i] + 0.5, shifted.eigenvalues()[i], 1e-12);
        }
        assertEquals(0, m.values()[0] - randomPsd("m", 4, 2).values()[0], "input untouched");
    }

    @Test
    void nonFiniteInputIsAFailureNotAnException() {
        for (double bad : new double[]{Double.NaN, Double.NEGATIVE_INFINITY}) {
            FactorMatrix m = randomPsd("bad", 3, 3);
            m.values()[4] = bad;
            EigenResult r = FactorEigendecomposition.decompose(m);
            assertFalse(r.ok());
            assertTrue(r.failure().contains("non-finite"), r.failure());
        }
    }

    @Test
    void tasksOnThreadsGiveTheDriversBits() {
        List<FactorMatrix> factors = new ArrayList<>();
        int[] dims = {7, 3, 12, 5, 9, 2};
        for (int i = 0; i < dims.length; i++) {
            factors.add(randomPsd("f" + i, dims[i], 10 + i));
        }
        List<EigenResult> driver = FactorInverter.ON_DRIVER.decompose(factors);
        List<EigenResult> spread = threadedTasks(4).decompose(factors);
        for (int i = 0; i < factors.size(); i++) {
            assertEquals(driver.get(i).name(), spread.get(i).name());
            assertArrayEquals(driver.get(i).eigenvalues(), spread.get(i).eigenvalues());
            assertArrayEquals(driver.get(i).eigenvectors(), spread.get(i).eigenvectors());
        }
    }

    /**
     * What a distributed inverter does, minus Spark: factors grouped by {@link InverseAssignment}, each task's group
     * decomposed on its own thread, largest task first, results put back in input order.
     */
    static FactorInverter threadedTasks(int tasks) {
        return factors -> {
            int[] dims = factors.stream().mapToInt(FactorMatrix::n).toArray();
            List<int[]> assignment = InverseAssignment.assign(dims, tasks);
            EigenResult[] out = new EigenResult[factors.size()];
            ExecutorService pool = Executors.newFixedThreadPool(tasks);
            try {
                List<Future<?>> running = new ArrayList<>();
                for (int[] task : assignment) {
                    running.add(pool.submit(() -> {
                        for (int i : task) {
                            out[i] = FactorEigendecomposition.decompose(factors.get(i));
                        }
                    }));
                }
                for (Future<?> f : running) {
                    f.get();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            } finally {
                pool.shutdownNow();
            }
            return Arrays.asList(out);
        };
    }

    static FactorMatrix randomPsd(String name, int n, long seed) {
        Random r = new Random(seed);
        double[] v = new double[n * n];
        for (int k = 0; k < n + 2; k++) {
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = r.nextGaussian();
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    v[i * n + j] += x[i] * x[j];
                }
            }
        }
        return new FactorMatrix(name, n, v, 0);
    }
}
