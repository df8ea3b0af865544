package dev.bigbatch.bench;

import dev.bigbatch.jobs.run.ConfigLoader;
import dev.bigbatch.jobs.run.RunConfig;
import dev.bigbatch.optimizer.neumann.NeumannConfig;
import dev.bigbatch.jobs.report.MetricRecord;
import dev.bigbatch.jobs.run.TrainSettings;
import dev.bigbatch.jobs.train.TrainingLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sweep's runs are valid {@code train} configs, and neumann-scaled scales all three of Neumann's clocks alike. */
class ConvergenceSweepTest {
    static final ConvergenceSweep SWEEP = new ConvergenceSweep("file:///data/", "small-cnn", 8, 2048, 32, 50, 42, 5, 9,
            0);

    static RunConfig config(ConvergenceSweep.Candidate c) {
        return RunConfig.from(ConfigLoader.load(null, c.sets())); // as train's --set options are read
    }

    @Test
    void everyCandidateIsAValidTrainConfigNamedByLabelAndRate() {
        List<ConvergenceSweep.Candidate> all = SWEEP.candidates(List.of(), Map.of());
        assertEquals(3 + 3 + 3 + 3 + 3 + 3, all.size());
        for (ConvergenceSweep.Candidate c : all) {
            RunConfig rc = config(c);
            assertEquals(c.learningRate(), rc.effective().getDouble("optimizer.learning-rate"));
            assertTrue(c.id().startsWith(c.label() + "-lr"), c.id());
        }
    }

    @Test
    void trainingSampleSweepEvaluatesItAfterEveryStepAndReadsItsCurve(@TempDir Path tmp) throws Exception {
        assertEquals(MetricRecord.TRAIN, SWEEP.curveSplit());
        assertEquals(0, config(SWEEP.candidates(List.of(), Map.of()).get(0)).train().evalEvery());
        ConvergenceSweep sampled = new ConvergenceSweep("file:///data/", "small-cnn", 8, 2048, 32, 50, 42, 5, 9, 2048);
        assertEquals(TrainingLoop.TRAIN_SAMPLE, sampled.curveSplit());
        for (ConvergenceSweep.Candidate c : sampled.candidates(List.of(), Map.of())) {
            TrainSettings t = config(c).train();
            assertEquals(1, t.evalEvery(), c.id());
            assertEquals(2048, t.trainSample(), c.id());
        }
        Path metrics = tmp.resolve("metrics.jsonl");
        Files.writeString(metrics, String.join("\n",
                "{\"step\":1,\"split\":\"train\",\"loss\":2.5}",
                "{\"step\":1,\"split\":\"test\",\"loss\":2.4,\"top1\":0.1}",
                "{\"step\":1,\"split\":\"train-sample\",\"loss\":2.3,\"top1\":0.2}",
                "{\"step\":2,\"split\":\"train\",\"loss\":2.2}",
                "{\"step\":2,\"split\":\"train-sample\",\"loss\":2.1,\"top1\":0.3}",
                "{\"step\":2,\"split\":\"test\",\"loss\":2.0,\"top1\":0.4}") + "\n");
        assertEquals(List.of(2.5, 2.2), ConvergenceRun.curve(metrics, MetricRecord.TRAIN).stream()
                .map(StepsToTarget.Point::loss).toList());
        assertEquals(List.of(2.3, 2.1), ConvergenceRun.curve(metrics, TrainingLoop.TRAIN_SAMPLE).stream()
                .map(StepsToTarget.Point::loss).toList());
        assertEquals(0.4, ConvergenceRun.testTop1(metrics), "test top-1 is the test split's, not the sample's");
    }

    @Test
    void onlyFinishedOrDivergedRunsAreKeptForReuse(@TempDir Path runs) throws Exception {
        assertTrue(ConvergenceRun.isFinal(0));
        assertTrue(ConvergenceRun.isFinal(79));
        // A run that fails (here at once, on a config error, before Spark starts) leaves no .exit file, so an
        // interrupted sweep does not record its unfinished runs as outcomes and the next sweep runs them again.
        ConvergenceSweep.Candidate bad = new ConvergenceSweep.Candidate("adam", 0.1,
                List.of("optimizer.name=adam", "optimizer.learning-rate=-1"));
        ConvergenceRun.Outcome o = ConvergenceRun.run(bad, runs, MetricRecord.TRAIN);
        assertEquals(78, o.exitCode(), o.message());
        assertFalse(ConvergenceRun.finishedBefore(bad, runs), "a failed run was recorded for reuse");
        assertTrue(Files.readString(runs.resolve(bad.id() + ".log")).contains("learning-rate"));
    }

    @Test
    void scaledNeumannKeepsTableOnesProportionsInSteps() {
        ConvergenceSweep.Candidate c = SWEEP.candidates(List.of(ConvergenceSweep.NEUMANN_SCALED),
                Map.of(ConvergenceSweep.NEUMANN_SCALED, new double[]{0.1})).get(0);
        assertEquals("neumann-scaled-lr0.1", c.id());
        NeumannConfig n = (NeumannConfig) config(c).optimizer();
        long perEpoch = 9;
        assertEquals(5, Math.round(n.sgdWarmupEpochs() * perEpoch), "Table 1: 5 epochs of SGD -> 5 steps");
        assertEquals(1.0, n.momentumUnitEpochs() * perEpoch, 1e-12, "t of mu(t) counts steps");
        assertEquals(10, Math.round(n.resetEpochs() * perEpoch), "Table 1: K = 10 epochs -> 10 steps");
        assertEquals(NeumannConfig.DEFAULT_CUBIC, n.cubic());
        assertEquals(NeumannConfig.DEFAULT_REPULSIVE_PER_PARAMETER, n.repulsivePerParameter());
        NeumannConfig paper = (NeumannConfig) config(SWEEP.candidates(List.of("neumann"),
                Map.of("neumann", new double[]{0.1})).get(0)).optimizer();
        assertEquals(NeumannConfig.DEFAULT_RESET_EPOCHS, paper.resetEpochs(), "the first configuration keeps epochs");
        assertEquals(NeumannConfig.DEFAULT_MOMENTUM_UNIT_EPOCHS, paper.momentumUnitEpochs());
    }

    @Test
    void twoLoopNeumannScalesItsClocksLikeTheScaledSingleLoop() {
        ConvergenceSweep.Candidate c = SWEEP.candidates(List.of(ConvergenceSweep.NEUMANN_TWO_LOOP),
                Map.of(ConvergenceSweep.NEUMANN_TWO_LOOP, new double[]{0.05})).get(0);
        assertEquals("neumann-two-loop-lr0.05", c.id());
        NeumannConfig n = (NeumannConfig) config(c).optimizer();
        assertEquals(NeumannConfig.TWO_LOOP, n.mode());
        assertEquals(5, Math.round(n.sgdWarmupEpochs() * 9), "Table 1: 5 epochs of SGD -> 5 steps");
        assertEquals(1.0, n.momentumUnitEpochs() * 9, 1e-12, "t of mu(t) counts steps");
        assertEquals(NeumannConfig.DEFAULT_INNER_ITERATIONS, n.innerIterations());
    }
}
