package dev.bigbatch.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The convergence criterion and the issue verdicts of the convergence benchmark, on hand-made curves. */
class StepsToTargetTest {
    static List<StepsToTarget.Point> curve(double... losses) {
        List<StepsToTarget.Point> out = new ArrayList<>();
        for (int i = 0; i < losses.length; i++) {
            out.add(new StepsToTarget.Point(i + 1, losses[i]));
        }
        return out;
    }

    @Test
    void firstStepWhoseTrailingMeanIsAtOrBelowTarget() {
        // Means of 3: (3,2,1)=2 at step 3 — exactly the target counts.
        assertEquals(OptionalLong.of(3), new StepsToTarget(2.0, 3).firstReached(curve(3, 2, 1, 0.5)));
        // Means of 3: 2.333 at step 3, 1.167 at step 4.
        assertEquals(OptionalLong.of(4), new StepsToTarget(2.0, 3).firstReached(curve(4, 2, 1, 0.5)));
    }

    @Test
    void aSingleLowStepDoesNotCountBeforeTheWindowIsFull() {
        // Step 1 alone is below target, but the window needs 3 logged steps; (0.1,3,3)=2.033 > 2.
        assertEquals(OptionalLong.empty(), new StepsToTarget(2.0, 3).firstReached(curve(0.1, 3, 3)));
        assertEquals(OptionalLong.of(1), new StepsToTarget(2.0, 1).firstReached(curve(0.1, 3, 3)));
    }

    @Test
    void divergedOrShortCurvesNeverReach() {
        assertEquals(OptionalLong.empty(), new StepsToTarget(2.0, 2).firstReached(curve(3, Double.NaN, 0, 0)));
        assertEquals(OptionalLong.empty(), new StepsToTarget(2.0, 2).firstReached(curve()));
    }

    @Test
    void usesLoggedStepNumbers() {
        List<StepsToTarget.Point> c = List.of(new StepsToTarget.Point(10, 3), new StepsToTarget.Point(20, 1));
        assertEquals(OptionalLong.of(20), new StepsToTarget(2.0, 2).firstReached(c));
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new StepsToTarget(0, 3));
        assertThrows(IllegalArgumentException.class, () -> new StepsToTarget(2, 0));
    }

    static ConvergenceRun.Outcome outcome(String optimizer, double lr, double... losses) {
        return new ConvergenceRun.Outcome(new ConvergenceSweep.Candidate(optimizer, lr, List.of()), 0, "",
                curve(losses), Double.NaN);
    }

    @Test
    void bestRunIsFewestStepsThenLowestFinalLoss() {
        var slow = outcome("adam", 0.001, 3, 3, 1, 1);
        var fast = outcome("adam", 0.003, 3, 1, 1, 1);
        var never = outcome("momentum", 0.1, 3, 3, 3, 2.5);
        var neverWorse = outcome("momentum", 0.2, 3, 3, 3, 2.9);
        var sameStepsHigherLoss = outcome("adam", 0.01, 3, 1, 1, 1.5);
        var report = new ConvergenceReport(new StepsToTarget(2.0, 2),
                List.of(slow, sameStepsHigherLoss, fast, never, neverWorse));
        assertEquals(fast, report.best().get("adam"));
        assertEquals(never, report.best().get("momentum"));
        assertTrue(report.table().contains("| adam | 0.003 | **2** |"), report.table());
        assertTrue(report.csv().startsWith("optimizer,learning_rate,step,loss,smoothed_loss\nadam,0.001,1,3.0"),
                report.csv());
    }

    @Test
    void verdictsOnlyFromWhatWasMeasured() {
        var report = new ConvergenceReport(new StepsToTarget(2.0, 1), List.of());
        var at4 = outcome("neumann", 0.1, 3, 3, 3, 1);
        var at5 = outcome("adam", 0.1, 3, 3, 3, 3, 1);
        var never = outcome("adam", 0.1, 3, 3, 3, 3, 3);
        assertTrue(ConvergenceBench.verdict("x", at4, at5, 0.8, report, 5).endsWith("4 / 5 = 0.800 -> MET"));
        assertTrue(ConvergenceBench.verdict("x", at5, at4, 0.8, report, 5).endsWith("NOT MET"));
        // 4 <= 0.8 × 6, the least steps a run that did not reach it within 5 could need.
        assertTrue(ConvergenceBench.verdict("x", at4, never, 0.8, report, 5).endsWith("-> MET"));
        assertTrue(ConvergenceBench.verdict("x", at4, never, 0.5, report, 5).contains("UNDECIDED"));
        assertTrue(ConvergenceBench.verdict("x", never, at4, 0.8, report, 5).endsWith("NOT MET"));
        assertTrue(ConvergenceBench.verdict("x", never, never, 0.8, report, 5).contains("UNDECIDED"));
    }
}
