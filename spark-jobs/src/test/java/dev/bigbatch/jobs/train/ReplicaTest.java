package dev.bigbatch.jobs.train;

import dev.bigbatch.model.ModelSpec;
import dev.bigbatch.optimizer.ParameterRole;
import dev.bigbatch.optimizer.ParameterLayout;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The loop relies on DL4J returning per-example gradient SUMS (it leaves the division to its updater) and on
 * batch-norm running statistics reporting a per-batch delta; both are checked here, since a DL4J change would
 * silently rescale every step.
 */
class ReplicaTest {
    @Test
    void gradientIsASumOverExamplesAndStatisticsAreWeightedByBatchSize() {
        Replica r = new Replica(dev.bigbatch.model.NetworkSpec.of(
                dev.bigbatch.model.ModelFactory.build(new ModelSpec("small-cnn", 2, 3, 1, 8, 8, 1)), 1, 8, 8));
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 1, 8, 8);
        INDArray y = Nd4j.createFromArray(new float[][]{{0, 1, 0}});
        // The same example twice: BN batch statistics equal the single example's, so every per-example term is equal.
        INDArray x2 = Nd4j.concat(0, x, x);
        INDArray y2 = Nd4j.concat(0, y, y);
        Replica.GradientPass one = r.gradient(x, y);
        INDArray oneGradient = one.gradientSum().dup(); // the replica's buffer: the next pass overwrites it
        Replica.GradientPass two = r.gradient(x2, y2);
        ParameterLayout layout = r.layout();
        for (ParameterLayout.Segment s : layout.segments()) {
            INDArray g1 = oneGradient.get(NDArrayIndex.interval(s.offset(), s.offset() + s.length()));
            INDArray g2 = two.gradientSum().get(NDArrayIndex.interval(s.offset(), s.offset() + s.length()));
            // Tolerance: float32 rounding of sums of two equal terms, observed below 1e-6 relative.
            double scale = Math.max(1e-6, g1.norm2Number().doubleValue());
            assertEquals(0, g2.sub(g1.mul(2)).norm2Number().doubleValue() / scale, 1e-4, s.toString());
        }
        assertEquals(2 * one.lossSum(), two.lossSum(), 1e-5);
        assertEquals(2, two.output().size(0));
        assertTrue(layout.segments().stream().anyMatch(s -> s.role() == ParameterRole.NORM_STATISTIC));
    }
}
