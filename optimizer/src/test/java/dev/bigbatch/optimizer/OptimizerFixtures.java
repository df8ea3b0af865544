package dev.bigbatch.optimizer;

import com.typesafe.config.ConfigFactory;
import dev.bigbatch.optimizer.config.ConfigReader;
import dev.bigbatch.optimizer.state.OptimizerState;
import dev.bigbatch.optimizer.state.OptimizerStateCodec;
import dev.bigbatch.optimizer.stats.StepSums;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Small building blocks shared by the optimizer tests: layouts, sums, configs, state round trips. */
public final class OptimizerFixtures {
    private OptimizerFixtures() {
    }

    /** A layout of consecutive segments with the given roles and lengths, one per layer. */
    public static ParameterLayout layout(Object... roleLengthPairs) {
        List<ParameterLayout.Segment> segments = new ArrayList<>();
        long offset = 0;
        for (int i = 0; i < roleLengthPairs.length; i += 2) {
            ParameterRole role = (ParameterRole) roleLengthPairs[i];
            int length = (Integer) roleLengthPairs[i + 1];
            String key = switch (role) {
                case WEIGHT -> "W";
                case BIAS -> "b";
                case NORM_SCALE -> "gamma";
                case NORM_SHIFT -> "beta";
                case NORM_STATISTIC -> "mean";
            };
            segments.add(new ParameterLayout.Segment(String.valueOf(i / 2), i / 2, key, role, offset, length,
                    new long[]{length}));
            offset += length;
        }
        return new ParameterLayout(segments, offset);
    }

    /** One WEIGHT segment of {@code n} values. */
    public static ParameterLayout weights(int n) {
        return layout(ParameterRole.WEIGHT, n);
    }

    /** Sums of one example whose gradient is {@code g}: the mean gradient is {@code g}. */
    public static StepSums sums(float[] g) {
        StepSums s = new StepSums();
        s.addExamples(1, 0, 0, 0);
        s.addGradient(Nd4j.createFromArray(g.clone()), 1.0);
        return s;
    }

    public static StepSums sums(double[] g) {
        float[] f = new float[g.length];
        for (int i = 0; i < g.length; i++) {
            f[i] = (float) g[i];
        }
        return sums(f);
    }

    /** Reads an {@code optimizer { ... }} section given as HOCON text. */
    public static OptimizerConfig config(String hocon) {
        return Optimizers.read(ConfigReader.section(ConfigFactory.parseString(hocon), "optimizer"));
    }

    /** The state written to codec bytes and read back. */
    public static OptimizerState roundTrip(OptimizerState state) {
        try {
            return OptimizerStateCodec.fromBytes(OptimizerStateCodec.toBytes(state), "test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static float[] gaussian(Random random, int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (random.nextGaussian() * scale);
        }
        return v;
    }

    /**
     * Bytes ND4J allocates while {@code work} runs, counted as {@code OptimizerStepBench} counts them: inside a
     * workspace of size 0 whose every allocation spills to an external buffer and is counted. Arrays allocated in it
     * are freed when it closes, so {@code work} must not keep any. Heap (Java) arrays are not counted.
     */
    public static long allocatedBytes(Runnable work) {
        WorkspaceConfiguration counting = WorkspaceConfiguration.builder().initialSize(0)
                .policyAllocation(AllocationPolicy.STRICT).policyLearning(LearningPolicy.NONE)
                .policySpill(SpillPolicy.EXTERNAL).build();
        try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(counting, "OptimizerFixtures")) {
            work.run();
            return ws.getThisCycleAllocations();
        }
    }

    public static INDArray vector(float[] v) {
        return Nd4j.createFromArray(v.clone());
    }

    public static double[] doubles(INDArray a) {
        return a.castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).reshape(a.length()).toDoubleVector();
    }

    public static double[] doubles(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
