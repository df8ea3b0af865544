package dev.bigbatch.jobs.train;

import dev.bigbatch.jobs.SparkTestSession;
import dev.bigbatch.jobs.TestData;
import dev.bigbatch.jobs.data.CachedSplit;
import dev.bigbatch.model.ModelFactory;
import dev.bigbatch.model.ModelSpec;
import dev.bigbatch.model.NetworkSpec;
import dev.bigbatch.optimizer.stats.StepRequest;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What travels with each task stays small (parameters go by broadcast, never in a closure), and executors build a
 * network replica once per task slot, not once per step.
 */
class TaskFootprintTest {
    @RegisterExtension
    static final SmallTrainingFixture DATA = new SmallTrainingFixture(128, 5);

    static int serializedSize(Object o) throws Exception {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bos)) {
            out.writeObject(o);
        }
        return bos.size();
    }

    @Test
    void stepFunctionsCarryBroadcastHandlesNotParameters() throws Exception {
        JavaSparkContext sc = SparkTestSession.context();
        var net = ModelFactory.build(new ModelSpec("resnet20", 16, 10, 3, 32, 32, 1));
        var run = sc.broadcast(new RunSpec(NetworkSpec.of(net, 3, 32, 32), new TestData.FlipDecoder(3, 32, 32), 1,
                true, 32));
        float[] params = net.params().toFloatVector();
        var plan = sc.broadcast(new StepPlan(0, 0, new long[512], params, StepRequest.gradientOnly()));
        var eval = sc.broadcast(params);
        // ResNet-20's parameters alone are over 1 MB; each function must stay under 4 KB.
        assertTrue(params.length * 4 > 1_000_000);
        assertTrue(serializedSize(new SelectMembers(plan, 32)) < 4096);
        assertTrue(serializedSize(new ShardStep(run, plan, 4, GhostPass.TRAINING)) < 4096);
        assertTrue(serializedSize(new EvalShard(run, eval, -1, new EvaluationSplit.Layout(50_000, 64, 4))) < 4096);
        plan.destroy();
        eval.destroy();
        run.destroy();
    }

    @Test
    void replicasAreBuiltOncePerTaskSlotAndReused() {
        CachedSplit split = DATA.load(2);
        try {
            var net = ModelFactory.build(new ModelSpec("small-cnn", 3, SmallTrainingFixture.CLASSES,
                    SmallTrainingFixture.CHANNELS, SmallTrainingFixture.SIZE, SmallTrainingFixture.SIZE, 77));
            var sc = SparkTestSession.context();
            var run = sc.broadcast(SmallTrainingFixture.runSpec(net, 1));
            DistributedStep step = new DistributedStep(sc, split, run);
            float[] params = net.params().toFloatVector();
            var sampler = new dev.bigbatch.jobs.sampling.GlobalBatchSampler(DATA.examples(), 32,
                    SmallTrainingFixture.GHOST_BATCH, 1);
            step.compute(new StepPlan(0, 0, sampler.exampleIds(0), params, StepRequest.gradientOnly()));
            long afterFirst = ReplicaPool.created();
            for (int s = 1; s < 4; s++) {
                step.compute(new StepPlan(s, 0, sampler.exampleIds(s), params, StepRequest.gradientOnly()));
            }
            assertEquals(afterFirst, ReplicaPool.created(), "later steps must reuse the replicas");
            run.destroy();
        } finally {
            split.release();
        }
    }
}
