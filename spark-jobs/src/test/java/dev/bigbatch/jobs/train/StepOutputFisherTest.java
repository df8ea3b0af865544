package dev.bigbatch.jobs.train;

import dev.bigbatch.optimizer.kfac.FisherType;
import dev.bigbatch.optimizer.kfac.KroneckerFactorStatistic;
import dev.bigbatch.optimizer.stats.StepSums;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * K-FAC's true-Fisher targets sampled from the output of the step's own gradient pass (what executors hand over) give
 * the same factor sums, bit for bit, as targets sampled from a separate training-mode forward pass (what K-FAC ran
 * before): the saved output is the same computation. On a network with batch norm, where the output depends on the ghost batch's own statistics.
 */
class StepOutputFisherTest {
    @Test
    void factorsFromTheStepsOutputEqualThoseOfAFreshForwardPass() {
        RunSpec run = GhostDecodingTest.run(0);
        Replica replica = new Replica(run.network());
        float[] params = replica.network().params().toFloatVector();
        GhostMember[][] members = GhostDecodingTest.members(3, 11);
        KroneckerFactorStatistic fisher = new KroneckerFactorStatistic(FisherType.TRUE);
        for (int j = 0; j < members.length; j++) {
            GhostBatch ghost = GhostBatch.decode(j, members[j], run, 0);
            replica.load(7, params);
            Replica.GradientPass pass = replica.gradient(ghost.data().getFeatures(), ghost.data().getLabels());
            assertNotNull(pass.output());
            INDArray fresh = replica.network().output(true, ghost.data().getFeatures())[0].dup();
            assertArrayEquals(fresh.data().asFloat(), pass.output().dup().data().asFloat(),
                    "the step's output is what a training-mode forward pass computes");

            float[] gradient = pass.gradientSum().toFloatVector();
            StepSums fromStep = new StepSums();
            fisher.accumulate(new ExecutorShardContext(replica, ghost, 7, 5, pass.output(), gradient), fromStep);
            StepSums fromFreshPass = new StepSums();
            fisher.accumulate(new ExecutorShardContext(replica, ghost, 7, 5, fresh, gradient), fromFreshPass);

            Map<String, float[]> a = fromStep.extras();
            Map<String, float[]> b = fromFreshPass.extras();
            assertFalse(a.isEmpty());
            assertEquals(b.keySet(), a.keySet());
            for (String key : a.keySet()) {
                assertArrayEquals(b.get(key), a.get(key), "ghost batch " + j + ", " + key);
            }
        }
    }
}
