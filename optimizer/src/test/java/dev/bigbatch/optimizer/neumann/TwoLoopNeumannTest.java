package dev.bigbatch.optimizer.neumann;

import dev.bigbatch.optimizer.Optimizer;
import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.TrainingShape;
import dev.bigbatch.optimizer.stats.LocalShard;
import dev.bigbatch.optimizer.stats.ShardStatistic;
import dev.bigbatch.optimizer.stats.StepRequest;
import dev.bigbatch.optimizer.stats.StepSums;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.util.List;

import static dev.bigbatch.optimizer.OptimizerFixtures.config;
import static dev.bigbatch.optimizer.OptimizerFixtures.doubles;
import static dev.bigbatch.optimizer.OptimizerFixtures.roundTrip;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two-loop mode end to end with network replicas standing in for executors. */
class TwoLoopNeumannTest {
    static final String HOCON = "optimizer { name = neumann, mode = two-loop, learning-rate = 0.1, "
            + "sgd-warmup-epochs = 1, inner-iterations = 2, cubic-regularizer = 0.01, "
            + "repulsive-regularizer-per-parameter = 1e-7 }";
    static final int GHOSTS = 4;
    /** One warm-up step (1 epoch), then two-loop steps. */
    static final TrainingShape SHAPE = new TrainingShape(10, 1, GHOSTS * 4);
    static final List<DataSet> BATCH = NetworkShard.ghostBatches(GHOSTS, 4, 99);

    /** Runs {@code steps} steps with the batch split over {@code partitions} replicas; returns the final weights. */
    static INDArray run(Optimizer opt, INDArray params, int partitions, int steps) {
        for (int t = 0; t < steps; t++) {
            opt.step(params, aggregate(opt.request(), params, partitions));
        }
        return params;
    }

    /** What the distributed loop does for one step: each partition computes its sums, the driver merges them. */
    static StepSums aggregate(StepRequest request, INDArray params, int partitions) {
        StepSums total = new StepSums();
        int per = GHOSTS / partitions;
        for (int p = 0; p < partitions; p++) {
            LocalShard shard = NetworkShard.of(params, BATCH.subList(p * per, (p + 1) * per));
            StepSums sums = new StepSums();
            shard.addGradientSums(sums);
            for (ShardStatistic s : request.statistics()) {
                s.accumulate(shard, sums);
            }
            total.merge(sums);
        }
        return total;
    }

    static INDArray initialParams() {
        return NetworkShard.newNetwork().params().dup();
    }

    static ParameterLayout layout() {
        return ParameterLayout.of(NetworkShard.newNetwork());
    }

    @Test
    void oneTwoAndFourPartitionsGiveTheSameSteps() {
        double[] one = doubles(run(config(HOCON).create(layout(), SHAPE), initialParams(), 1, 3));
        for (int partitions : new int[]{2, 4}) {
            double[] w = doubles(run(config(HOCON).create(layout(), SHAPE), initialParams(), partitions, 3));
            for (int i = 0; i < one.length; i++) {
                // Only the order of float additions differs; 1e−5 relative was ample in every run observed.
                assertEquals(one[i], w[i], 1e-5 * Math.abs(one[i]) + 1e-7, partitions + " partitions, w[" + i + "]");
            }
        }
    }

    @Test
    void warmUpAsksForGradientsOnlyThenTheDriverAddsTheMeanIterate() {
        Optimizer opt = config(HOCON).create(layout(), SHAPE);
        INDArray params = initialParams();
        assertTrue(opt.request().statistics().isEmpty(), "SGD warm-up needs no inner loop");
        run(opt, params, 2, 1);
        StepRequest request = opt.request();
        assertEquals(1, request.statistics().size());
        StepSums sums = aggregate(request, params, 2);
        float[] sum = sums.extraSum(NeumannInnerLoop.ITERATE);
        float examples = sums.extraSum(NeumannInnerLoop.EXAMPLES)[0];
        assertEquals(GHOSTS * 4, examples);
        double[] before = doubles(params);
        double[] offsetBefore = doubles(opt.state().array(AverageOffset.STATE));
        opt.step(params, sums);
        double[] after = doubles(params);
        double[] offsetAfter = doubles(opt.state().array(AverageOffset.STATE));
        for (int i = 0; i < before.length; i++) {
            double mean = sum[i] / examples;
            assertEquals(before[i] + mean, after[i], 1e-6, "w + mean iterate at " + i);
            // v_{t+1} = w_{t+1} + γ(v_t − w_{t+1})  ⇔  e_{t+1} = γ(e_t + m̄), γ = 0.99
            assertEquals(0.99 * (offsetBefore[i] + mean), offsetAfter[i], 1e-6, "w - v at " + i);
        }
        assertSame(params, opt.evaluationParameters(params), "two-loop weights are not displaced");
    }

    @Test
    void theInnerLoopRestoresTheBroadcastParameters() {
        Optimizer opt = config(HOCON).create(layout(), SHAPE);
        INDArray params = initialParams();
        run(opt, params, 1, 1);
        LocalShard shard = NetworkShard.of(params, BATCH.subList(0, 1));
        INDArray before = shard.network().params().dup();
        opt.request().statistics().get(0).accumulate(shard, new StepSums());
        assertEquals(before, shard.network().params());
    }

    /**
     * The first inner iteration is at w + μ·0 = w, where the step's own pass has taken the ghost batch's gradient: it
     * uses that gradient, so the loop runs K_inner − 1 passes of its own per ghost batch, and its iterates are the bits
     * of the loop that runs all K_inner passes itself (the reference below, through {@code iterate}'s compute path).
     */
    @Test
    void theFirstIterationReusesTheStepsGradientAndChangesNoBit() {
        Optimizer opt = config(HOCON).create(layout(), SHAPE);
        INDArray params = initialParams();
        run(opt, params, 1, 2); // past the warm-up, so that v ≠ w and the regularizer is on
        NeumannInnerLoop loop = (NeumannInnerLoop) opt.request().statistics().get(0);
        LocalShard shard = NetworkShard.of(params, BATCH);
        StepSums sums = new StepSums();
        loop.accumulate(shard, sums);
        assertEquals(GHOSTS * (2 - 1), shard.gradientCalls(), "passes of the loop's own, K_inner = 2");

        org.deeplearning4j.nn.api.Model net = NetworkShard.newNetwork();
        INDArray base = params.dup().reshape(params.length());
        INDArray e = org.nd4j.linalg.factory.Nd4j.createFromArray(
                dev.bigbatch.optimizer.stats.HostCopy.floats(opt.state().array(AverageOffset.STATE)));
        StepSums reference = new StepSums();
        for (DataSet ghost : BATCH) {
            int n = ghost.numExamples();
            INDArray m = loop.iterate(base, e, layout(), null, w -> {
                net.setParams(w.reshape(net.params().shape()));
                return LocalShard.compute(net, ghost).gradientSum().reshape(w.length()).divi(n);
            });
            reference.addExtra(NeumannInnerLoop.ITERATE, m, n);
        }
        assertArrayEquals(reference.extraSum(NeumannInnerLoop.ITERATE), sums.extraSum(NeumannInnerLoop.ITERATE));
    }

    @Test
    void theRequestShipsTheOffsetAndLittleElse() throws IOException {
        Optimizer opt = config(HOCON).create(layout(), SHAPE);
        run(opt, initialParams(), 1, 1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(opt.request());
        }
        long payload = 4L * layout().size();
        assertTrue(bytes.size() > payload && bytes.size() < payload + 2048, "serialized size " + bytes.size());
    }

    /**
     * A state written in one mode cannot be continued in the other: single-loop's stored weights are displaced by μm,
     * which two-loop would silently drop with m, and two-loop's lacks m and the reset schedule. Refused by restore in
     * both directions, before any step (the reset schedule is in every single-loop state) and in the Neumann phase.
     */
    @Test
    void aStateOfTheOtherModeIsRefusedInBothDirections() {
        String singleLoop = "optimizer { name = neumann, learning-rate = 0.1, sgd-warmup-epochs = 1 }";
        for (int steps : new int[]{0, 3}) {
            Optimizer single = config(singleLoop).create(layout(), SHAPE);
            run(single, initialParams(), 1, steps);
            IllegalArgumentException intoTwo = assertThrows(IllegalArgumentException.class,
                    () -> config(HOCON).create(layout(), SHAPE).restore(roundTrip(single.state())));
            assertTrue(intoTwo.getMessage().contains("does not use: [")
                    && intoTwo.getMessage().contains("reset-period"), intoTwo.getMessage());
            assertEquals(steps > 0, intoTwo.getMessage().contains(NeumannOptimizer.ITERATE), intoTwo.getMessage());

            Optimizer two = config(HOCON).create(layout(), SHAPE);
            run(two, initialParams(), 1, steps);
            IllegalArgumentException intoSingle = assertThrows(IllegalArgumentException.class,
                    () -> config(singleLoop).create(layout(), SHAPE).restore(roundTrip(two.state())));
            assertTrue(intoSingle.getMessage().contains("mode = two-loop"), intoSingle.getMessage());
            // Each mode takes its own state.
            config(singleLoop).create(layout(), SHAPE).restore(roundTrip(single.state()));
            config(HOCON).create(layout(), SHAPE).restore(roundTrip(two.state()));
        }
    }

    @Test
    void restoreThenStepEqualsNeverStopping() {
        Optimizer straight = config(HOCON).create(layout(), SHAPE);
        INDArray a = run(straight, initialParams(), 2, 4);
        Optimizer first = config(HOCON).create(layout(), SHAPE);
        INDArray b = run(first, initialParams(), 2, 2);
        Optimizer resumed = config(HOCON).create(layout(), SHAPE);
        resumed.restore(roundTrip(first.state()));
        run(resumed, b, 2, 2);
        assertArrayEquals(a.toFloatVector(), b.toFloatVector());
        assertArrayEquals(straight.state().array(AverageOffset.STATE).toFloatVector(),
                resumed.state().array(AverageOffset.STATE).toFloatVector());
    }
}
