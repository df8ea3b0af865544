package dev.bigbatch.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The convergence benchmark's options: the commands recorded in docs/BENCHMARKS.md, and misspelt groups. */
class ConvergenceOptionsTest {
    static ConvergenceOptions read(String... args) {
        return new ConvergenceOptions(ConvergenceOptions.declaration().parse(args));
    }

    static String failure(String... args) {
        return assertThrows(BenchOptionError.class, () -> read(args)).getMessage();
    }

    @Test
    void recordedCommandsParse() {
        // docs/BENCHMARKS.md, issue 3/4 sweep.
        ConvergenceOptions sweep = read("out=/tmp/convbench", "docs=docs", "cap=50", "target=2.0",
                "window=5", "also-targets=2.2,2.1,1.9", "rates.adam=0.001,0.002,0.003,0.004,0.005,0.007,0.01",
                "rates.neumann=0.025,0.05,0.1,0.2", "rates.neumann-scaled=0.025,0.05,0.07,0.1,0.15,0.2",
                "rates.kfac=0.01,0.03,0.1,0.3");
        assertEquals(4, sweep.rates.size());
        assertArrayEquals(new double[]{0.01, 0.03, 0.1, 0.3}, sweep.rates.get("kfac"));
        assertArrayEquals(new double[]{2.2, 2.1, 1.9}, sweep.alsoTargets);
        assertEquals(List.of(), sweep.only);
        assertEquals(Path.of("/tmp/convbench"), sweep.out);
        assertEquals(new StepsToTarget(2.0, 5), sweep.criterion);
        assertEquals("", sweep.dataset);
        // Other seeds, and the training-sample sweep.
        ConvergenceOptions seeds = read("out=/tmp/convbench-s43", "docs=/tmp/convdocs-s43",
                "dataset=file:///tmp/convbench/dataset/", "seed=43", "cap=50", "target=2.0", "window=5",
                "only=adam,neumann-scaled", "rates.adam=0.003,0.005", "rates.neumann-scaled=0.05,0.1");
        assertEquals(List.of("adam", "neumann-scaled"), seeds.only);
        assertEquals(43, seeds.seed);
        assertEquals("file:///tmp/convbench/dataset/", seeds.dataset);
        ConvergenceOptions sample = read("out=/tmp/convbench-sample", "train-sample=2048",
                "dataset=file:///tmp/convbench/dataset/", "seed=42");
        assertEquals(2048, sample.trainSample);
    }

    @Test
    void defaultsDescribeTheStandardSweep() {
        ConvergenceOptions o = read();
        assertEquals(new ConvergenceSweep("file:///d/", "small-cnn", 8, 2048, 32, 50, 42, 5, 9, 0),
                o.sweep("file:///d/", 9));
        assertEquals(Path.of("target/convergence").toAbsolutePath(), o.out);
        assertEquals(Map.of(), o.rates);
        assertEquals(20_000, o.trainImages);
        assertEquals(1_000, o.testImages);
        assertEquals(7, o.dataSeed);
    }

    @Test
    void misspeltGroupsAndBadValuesFailInsteadOfRunningNothing() {
        String only = failure("only=adam,neuman");
        assertEquals("ConvergenceBench: only=adam,neuman names neuman, not one of [momentum, adam, neumann, "
                + "neumann-scaled, neumann-two-loop, kfac]", only);
        String rate = failure("rates.sgd=0.1");
        assertTrue(rate.startsWith("ConvergenceBench: rates.sgd=0.1 is not for a group of runs"), rate);
        assertEquals("ConvergenceBench: rates.adam= is empty; give at least one learning rate",
                failure("rates.adam="));
        assertEquals("ConvergenceBench: rates.adam=0.1,0 has a learning rate that is not a finite number > 0",
                failure("rates.adam=0.1,0"));
        assertTrue(failure("round=3").startsWith("ConvergenceBench: unknown option round=3; known keys: out, docs, "));
        assertEquals("ConvergenceBench: target=0 has a target that is not > 0", failure("target=0"));
        assertEquals("ConvergenceBench: also-targets=2,-1 has a target that is not > 0", failure("also-targets=2,-1"));
        assertEquals("ConvergenceBench: window=0 is not an integer >= 1", failure("window=0"));
        assertTrue(failure("model=resnet21").startsWith("ConvergenceBench: model=resnet21 is not one of small-cnn, "));
    }

    /**
     * Options whose runs {@code train} would refuse fail here, naming the options, instead of each run failing at its
     * start (with the generated dataset, whose size is an option).
     */
    @Test
    void optionsTrainWouldRefuseFailBeforeAnyRun() {
        assertEquals("ConvergenceBench: batch=100 is not a multiple of ghost=32", failure("batch=100"));
        assertEquals("ConvergenceBench: batch=2048 (the default) is not a multiple of ghost=48", failure("ghost=48"));
        assertEquals("ConvergenceBench: batch=4096 is larger than train=2000, the generated training split",
                failure("batch=4096", "train=2000"));
        assertEquals("ConvergenceBench: warmup=0 leaves neumann-scaled and neumann-two-loop no clock: their Neumann "
                + "epoch clocks are scaled to the warm-up; give warmup >= 1, or leave them out with only=",
                failure("warmup=0"));
        assertTrue(failure("warmup=0", "only=adam,neumann-two-loop")
                .startsWith("ConvergenceBench: warmup=0 leaves neumann-two-loop no clock"));
        assertEquals(0, read("warmup=0", "only=momentum,adam,neumann,kfac").warmup);
        // Whatever else train refuses, through train's own config reader, named by the option that set it.
        assertEquals("ConvergenceBench: width=2000 makes train refuse run momentum-lr0.05: model.width: must be in "
                + "[1, 1024], found 2000", failure("width=2000"));
        assertEquals("ConvergenceBench: rates.adam=0.01,2000 makes train refuse run adam-lr2000: "
                + "optimizer.learning-rate: must be in (0, 1000.0], found 2000.0", failure("rates.adam=0.01,2000"));
        assertEquals(4096, read("batch=4096", "train=4096").batch);
    }

    /** A given dataset's size is known once its manifest is read: {@link ConvergenceOptions#checkRuns} then. */
    @Test
    void aGivenDatasetIsCheckedOnceItsSizeIsKnown() {
        ConvergenceOptions given = read("dataset=file:///d/", "batch=4096", "train=10");
        given.checkRuns(4096);
        BenchOptionError e = assertThrows(BenchOptionError.class, () -> given.checkRuns(4095));
        assertEquals("ConvergenceBench: batch=4096 is larger than the training split of file:///d/ (4095 examples)",
                e.getMessage());
        ConvergenceOptions rate = read("dataset=file:///d/", "rates.kfac=1001");
        assertTrue(assertThrows(BenchOptionError.class, () -> rate.checkRuns(20_000)).getMessage()
                .startsWith("ConvergenceBench: rates.kfac=1001 makes train refuse run kfac-lr1001: "));
    }

    @Test
    void labelsAreTheSweepsGroupsInRunOrder() {
        assertEquals(ConvergenceSweep.LABELS, ConvergenceSweepTest.SWEEP.candidates(List.of(), Map.of()).stream()
                .map(ConvergenceSweep.Candidate::label).distinct().toList());
    }
}
