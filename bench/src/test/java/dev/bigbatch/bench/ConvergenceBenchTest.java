package dev.bigbatch.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The convergence benchmark's options: the commands recorded in docs/BENCHMARKS.md, and misspelt groups. */
class ConvergenceBenchTest {
    @Test
    void recordedCommandsParse() {
        // docs/BENCHMARKS.md, issue 3/4 sweep.
        BenchOptions sweep = ConvergenceBench.options("out=/tmp/convbench", "docs=docs", "cap=50", "target=2.0",
                "window=5", "also-targets=2.2,2.1,1.9", "rates.adam=0.001,0.002,0.003,0.004,0.005,0.007,0.01",
                "rates.neumann=0.025,0.05,0.1,0.2", "rates.neumann-scaled=0.025,0.05,0.07,0.1,0.15,0.2",
                "rates.kfac=0.01,0.03,0.1,0.3");
        Map<String, double[]> rates = ConvergenceBench.rates(sweep);
        assertEquals(4, rates.size());
        assertArrayEquals(new double[]{0.01, 0.03, 0.1, 0.3}, rates.get("kfac"));
        assertArrayEquals(new double[]{2.2, 2.1, 1.9}, sweep.getDoubles("also-targets", null));
        assertEquals(List.of(), ConvergenceBench.groups(sweep));
        // Other seeds, and the training-sample sweep.
        BenchOptions seeds = ConvergenceBench.options("out=/tmp/convbench-s43", "docs=/tmp/convdocs-s43",
                "dataset=file:///tmp/convbench/dataset/", "seed=43", "cap=50", "target=2.0", "window=5",
                "only=adam,neumann-scaled", "rates.adam=0.003,0.005", "rates.neumann-scaled=0.05,0.1");
        assertEquals(List.of("adam", "neumann-scaled"), ConvergenceBench.groups(seeds));
        assertEquals(43, seeds.getLong("seed", 42));
        BenchOptions sample = ConvergenceBench.options("out=/tmp/convbench-sample", "train-sample=2048",
                "dataset=file:///tmp/convbench/dataset/", "seed=42");
        assertEquals(2048, sample.getInt("train-sample", 0));
    }

    @Test
    void misspeltGroupsFailInsteadOfRunningNothing() {
        String only = assertThrows(IllegalArgumentException.class,
                () -> ConvergenceBench.groups(ConvergenceBench.options("only=adam,neuman"))).getMessage();
        assertTrue(only.startsWith("ConvergenceBench: only=adam,neuman names neuman, not one of [momentum, adam, "
                + "neumann, neumann-scaled, neumann-two-loop, kfac]; known keys: "), only);
        String rate = assertThrows(IllegalArgumentException.class,
                () -> ConvergenceBench.rates(ConvergenceBench.options("rates.sgd=0.1"))).getMessage();
        assertTrue(rate.startsWith("ConvergenceBench: rates.sgd=0.1 is not for a group of runs"), rate);
        assertThrows(IllegalArgumentException.class,
                () -> ConvergenceBench.rates(ConvergenceBench.options("rates.adam=")));
        assertThrows(IllegalArgumentException.class, () -> ConvergenceBench.options("round=3"));
    }

    @Test
    void labelsAreTheSweepsGroupsInRunOrder() {
        assertEquals(ConvergenceSweep.LABELS, ConvergenceSweepTest.SWEEP.candidates(List.of(), Map.of()).stream()
                .map(ConvergenceSweep.Candidate::label).distinct().toList());
    }
}
