package dev.bigbatch.jobs.kfac;

import dev.bigbatch.jobs.SparkTestSession;
import dev.bigbatch.model.ModelFactory;
import dev.bigbatch.model.ModelSpec;
import dev.bigbatch.optimizer.CommonSettings;
import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.TrainingShape;
import dev.bigbatch.optimizer.kfac.EigenResult;
import dev.bigbatch.optimizer.kfac.FactorInverter;
import dev.bigbatch.optimizer.kfac.FactorMatrix;
import dev.bigbatch.optimizer.kfac.InverseAssignment;
import dev.bigbatch.optimizer.kfac.InverseLocation;
import dev.bigbatch.optimizer.kfac.KfacConfig;
import dev.bigbatch.optimizer.regularization.WeightDecay;
import dev.bigbatch.optimizer.schedule.ScheduleConfig;
import dev.bigbatch.optimizer.sgd.MomentumSgd;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The distributed inverse equals the driver's, bit for bit, whatever the number of tasks; failures come back as
 * results; each task carries only its own factors, packed; the job says which step it belongs to.
 */
class SparkFactorInverterTest {
    static final int[] DIMS = {37, 5, 64, 1, 20, 9, 48, 12};

    static List<FactorMatrix> factors(long seed) {
        List<FactorMatrix> out = new ArrayList<>();
        for (int i = 0; i < DIMS.length; i++) {
            out.add(randomPsd("kfac.conv2d.l" + i + (i % 2 == 0 ? ".A" : ".G"), DIMS[i], seed + i));
        }
        return out;
    }

    /** X Xᵀ / n for a Gaussian X with 2n columns: symmetric bit for bit, positive definite, like a factor average. */
    static FactorMatrix randomPsd(String name, int n, long seed) {
        Random r = new Random(seed);
        double[] x = new double[n * 2 * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian();
        }
        double[] m = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = 0; k < 2 * n; k++) {
                    s += x[i * 2 * n + k] * x[j * 2 * n + k];
                }
                m[i * n + j] = s / n;
                m[j * n + i] = s / n;
            }
        }
        return new FactorMatrix(name, n, m, 0.0);
    }

    @Test
    void distributedInverseEqualsTheDriversBitForBit() {
        JavaSparkContext sc = SparkTestSession.context();
        List<FactorMatrix> factors = factors(1);
        List<EigenResult> driver = FactorInverter.ON_DRIVER.decompose(factors);
        for (int tasks : new int[]{1, 2, 3, 16}) {
            List<EigenResult> spread = new SparkFactorInverter(sc, tasks, () -> 7).decompose(factors);
            assertEquals(factors.size(), spread.size());
            for (int i = 0; i < factors.size(); i++) {
                EigenResult d = driver.get(i);
                EigenResult s = spread.get(i);
                assertTrue(d.ok() && s.ok(), s.failure());
                assertEquals(factors.get(i).name(), s.name(), "results come back in the order given");
                // Same function, same LAPACK, same JVM (local mode): the bits agree, not just the values.
                assertArrayEquals(d.eigenvalues(), s.eigenvalues(), tasks + " tasks: eigenvalues of " + s.name());
                assertArrayEquals(d.eigenvectors(), s.eigenvectors(), tasks + " tasks: eigenvectors of " + s.name());
            }
        }
    }

    @Test
    void aFailedDecompositionIsAResultAndTheOthersStillSucceed() {
        List<FactorMatrix> factors = factors(2);
        factors.get(2).values()[3 * 64 + 3] = Double.NaN;
        List<EigenResult> spread = new SparkFactorInverter(SparkTestSession.context(), 2, () -> 1).decompose(factors);
        for (int i = 0; i < factors.size(); i++) {
            assertEquals(i != 2, spread.get(i).ok(), spread.get(i).name() + ": " + spread.get(i).failure());
        }
        assertTrue(spread.get(2).failure().contains("non-finite"), spread.get(2).failure());
    }

    @Test
    void tasksFollowTheCubicCostAssignmentAndCarryOnlyTheirPackedFactors() throws Exception {
        List<FactorMatrix> factors = factors(3);
        List<int[]> plan = SparkFactorInverter.plan(factors, 3);
        List<int[]> expected = InverseAssignment.assign(DIMS, 3);
        assertEquals(expected.size(), plan.size());
        for (int t = 0; t < plan.size(); t++) {
            assertArrayEquals(expected.get(t), plan.get(t));
        }
        assertEquals(2, SparkFactorInverter.plan(factors.subList(0, 2), 8).size(), "never more tasks than factors");
        long total = 0;
        for (int[] members : plan) {
            InverseTask task = InverseTask.of(factors, members);
            long packed = 0;
            for (int i : members) {
                packed += 8L * DIMS[i] * (DIMS[i] + 1) / 2;
                assertArrayEquals(factors.get(i).values(), task.factor(indexIn(members, i)).values(),
                        "the mirrored triangle rebuilds the factor exactly");
            }
            assertEquals(packed, task.payloadBytes());
            int serialized = serializedSize(task);
            // What Java serialization adds to the doubles: array headers and the names, under 1 KB for a few factors.
            assertTrue(serialized >= packed && serialized < packed + 1024, serialized + " bytes for " + packed);
            total += packed;
        }
        long full = Arrays.stream(DIMS).mapToLong(n -> 8L * n * n).sum();
        assertTrue(total < 0.6 * full, "packed triangles travel, not full matrices: " + total + " of " + full);
    }

    @Test
    void theJobDescriptionNamesTheStep() {
        JavaSparkContext sc = SparkTestSession.context();
        sc.setJobDescription("outer job");
        try (JobDescriptions jobs = JobDescriptions.listen(sc)) {
            new SparkFactorInverter(sc, 2, () -> 301).decompose(factors(4));
            List<String> seen = jobs.descriptions();
            assertEquals(1, seen.size(), seen.toString());
            assertTrue(seen.get(0).contains("train step 301") && seen.get(0).contains("8 factors")
                    && seen.get(0).contains("2 tasks"), seen.get(0));
        } finally {
            assertEquals("outer job", sc.getLocalProperty("spark.job.description"), "the caller's description is back");
            sc.setJobDescription(null);
        }
    }

    @Test
    void installedOnlyForKfacWithInverseOnExecutors() {
        JavaSparkContext sc = SparkTestSession.context();
        ParameterLayout layout = ParameterLayout.of(ModelFactory.build(new ModelSpec("small-cnn", 2, 3, 3, 8, 8, 1)));
        TrainingShape shape = new TrainingShape(10, 10, 8);
        CommonSettings common = new CommonSettings(0.1, ScheduleConfig.constant(0.1),
                new WeightDecay(0, "l2", Set.of()), 0);
        KfacConfig driver = KfacConfig.defaults(common);
        KfacConfig executors = new KfacConfig(common, 1, 1, driver.factorDecay(), driver.damping(),
                driver.dampingMode(), driver.klClip(), driver.momentum(), driver.fisher(), InverseLocation.EXECUTORS);
        assertTrue(SparkFactorInverter.installOn(executors.create(layout, shape), sc));
        assertFalse(SparkFactorInverter.installOn(driver.create(layout, shape), sc));
        assertFalse(SparkFactorInverter.installOn(new MomentumSgd.Config("momentum", common, 0.9).create(layout, shape),
                sc));
    }

    static int indexIn(int[] members, int i) {
        for (int k = 0; k < members.length; k++) {
            if (members[k] == i) {
                return k;
            }
        }
        throw new AssertionError(i);
    }

    static int serializedSize(Object o) throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bos)) {
            out.writeObject(o);
        }
        return bos.size();
    }
}
