package dev.bigbatch.model;

import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.ParameterRole;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Parameter counts against the published architectures (numbers as torchvision / He et al. count them). */
class ModelFactoryTest {
    static long trainable(ComputationGraph g) {
        return ParameterLayout.of(g).segments().stream().filter(s -> s.role() != ParameterRole.NORM_STATISTIC)
                .mapToLong(ParameterLayout.Segment::length).sum();
    }

    @Test
    void cifarResNet20HasHeEtAlsSizePlusOptionBProjections() {
        ComputationGraph g = ModelFactory.build(new ModelSpec("resnet20", 16, 10, 3, 32, 32, 1));
        // 269,722 with option A shortcuts (He et al.: 0.27M); option B adds two 1x1 projections + their BN:
        // 16*32 + 2*32 + 32*64 + 2*64 = 2,752.
        assertEquals(269_722 + 2_752, trainable(g));
        assertArrayEquals(new long[]{2, 10}, g.output(Nd4j.rand(DataType.FLOAT, 2, 3, 32, 32))[0].shape());
    }

    @Test
    void resnet50HasTheStandardParameterCount() {
        ComputationGraph g = ModelFactory.build(new ModelSpec("resnet50", 64, 1000, 3, 224, 224, 1));
        assertEquals(25_557_032, trainable(g));
        ComputationGraph small = ModelFactory.build(new ModelSpec("resnet50", 8, 5, 3, 64, 64, 1));
        assertArrayEquals(new long[]{1, 5}, small.output(Nd4j.rand(DataType.FLOAT, 1, 3, 64, 64))[0].shape());
    }
}
