package dev.bigbatch.bench;

import dev.bigbatch.model.ModelFactory;
import dev.bigbatch.model.ModelSpec;
import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.kfac.FisherType;
import dev.bigbatch.optimizer.kfac.KroneckerFactorStatistic;
import dev.bigbatch.optimizer.stats.ShardContext;
import dev.bigbatch.optimizer.stats.StepSums;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The executor's K-FAC factor statistic for one ghost batch, in units of that ghost batch's gradient pass, on one
 * thread and without Spark: what {@link KfacStepBench}'s factor step adds per ghost batch, isolated from scheduling,
 * decoding and aggregation. Each round times the gradient pass ({@link ShardContext#gradient}) and then
 * {@link KroneckerFactorStatistic#accumulate} (true Fisher: target sampling, the recorded forward and backward pass,
 * the factor products, packing into {@link StepSums}); the median of the per-round ratios is reported. The recorded
 * pass alone is about one gradient pass, so the ratio minus one is roughly what the factor products cost.
 *
 * <pre>
 *   java ... dev.bigbatch.bench.KfacFactorCostBench [model=resnet20] [ghost=32] [rounds=7]
 * </pre>
 * Run with {@code OMP_NUM_THREADS=1}, as an executor task runs; {@code --help} lists the options.
 */
public final class KfacFactorCostBench {
    private static final int WARMUP_ROUNDS = 2;

    private KfacFactorCostBench() {
    }

    /** What one run measures. */
    record Settings(String model, int ghost, int rounds) {
    }

    public static void main(String[] args) {
        BenchRunner.main(args, options(), KfacFactorCostBench::read, KfacFactorCostBench::run);
    }

    static BenchDeclaration options() {
        return BenchOptions.declare("KfacFactorCostBench", "The executor's K-FAC factor statistic for one ghost batch, "
                        + "in gradient passes, on one thread without Spark")
                .key("model", ModelSpec.DEFAULT_NAME, "model at width 16 on 32x32 inputs: " + String.join(", ",
                        ModelSpec.NAMES))
                .key("ghost", 32, "examples in the ghost batch")
                .key("rounds", 7, "timed rounds, after " + WARMUP_ROUNDS + " warm-up rounds");
    }

    static Settings read(BenchOptions options) {
        return new Settings(options.getOneOf("model", ModelSpec.NAMES), options.getIntAtLeast("ghost", 1),
                options.getIntAtLeast("rounds", 1));
    }

    private static void run(Settings settings) {
        String model = settings.model();
        int ghost = settings.ghost();
        int rounds = settings.rounds();
        ComputationGraph net = ModelFactory.build(new ModelSpec(model, 16, 10, 3, 32, 32, 1));
        DataSet batch = cifarLike(ghost, 10, 1);
        INDArray output = net.output(true, batch.getFeatures())[0];
        Context shard = new Context(net, batch, output);
        KroneckerFactorStatistic statistic = new KroneckerFactorStatistic(FisherType.TRUE);
        double[] ratios = new double[rounds];
        double passMs = 0;
        double statisticMs = 0;
        for (int r = -WARMUP_ROUNDS; r < rounds; r++) {
            long t0 = System.nanoTime();
            shard.gradient(batch);
            long t1 = System.nanoTime();
            statistic.accumulate(shard, new StepSums());
            long t2 = System.nanoTime();
            System.out.printf("round %d: gradient pass %.0f ms, factor statistic %.0f ms (%.3f passes)%n", r,
                    (t1 - t0) / 1e6, (t2 - t1) / 1e6, (double) (t2 - t1) / (t1 - t0));
            if (r >= 0) {
                ratios[r] = (double) (t2 - t1) / (t1 - t0);
                passMs += (t1 - t0) / 1e6;
                statisticMs += (t2 - t1) / 1e6;
            }
        }
        double[] sorted = ratios.clone();
        Arrays.sort(sorted);
        System.out.printf("RESULT %s, ghost batch %d, one thread: factor statistic / gradient pass = %.3f (median of "
                        + "%d rounds; ratio of means %.3f; gradient pass %.0f ms)%n", model, ghost, sorted[rounds / 2],
                rounds, statisticMs / passMs, passMs / rounds);
    }

    /**
     * Pixels uniform in [0, 1] normalized by mean 0.5 and deviation 0.25 (as the CIFAR decoder does), random labels.
     */
    static DataSet cifarLike(int n, int classes, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n * 3 * 32 * 32];
        for (int i = 0; i < x.length; i++) {
            x[i] = (r.nextInt(256) / 255f - 0.5f) / 0.25f;
        }
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, classes);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, r.nextInt(classes), 1.0);
        }
        return new DataSet(Nd4j.create(x, new long[]{n, 3, 32, 32}, 'c'), y);
    }

    /** One ghost batch on a local network, as an executor offers it (without Spark). */
    private record Context(ComputationGraph net, DataSet batch, INDArray output) implements ShardContext {
        @Override
        public Model network() {
            return net;
        }

        @Override
        public ParameterLayout layout() {
            return ParameterLayout.of(net);
        }

        @Override
        public List<DataSet> ghostBatches() {
            return List.of(batch);
        }

        @Override
        public List<long[]> exampleIds() {
            long[] ids = new long[batch.numExamples()];
            Arrays.setAll(ids, i -> i);
            return List.of(ids);
        }

        @Override
        public long step() {
            return 0;
        }

        @Override
        public long seed() {
            return 1;
        }

        @Override
        public List<INDArray> stepOutputs() {
            return List.of(output);
        }

        /** The step's pass run again at the same parameters (the K-FAC statistic does not ask for it). */
        @Override
        public List<INDArray> stepGradients() {
            return List.of(gradient(batch).gradientSum().castTo(DataType.FLOAT));
        }

        @Override
        public GradientResult gradient(DataSet ghostBatch) {
            net.setInputs(ghostBatch.getFeatures());
            net.setLabels(ghostBatch.getLabels());
            net.computeGradientAndScore();
            return new GradientResult(net.getFlattenedGradients().dup(), net.score() * ghostBatch.numExamples(), null);
        }
    }
}
