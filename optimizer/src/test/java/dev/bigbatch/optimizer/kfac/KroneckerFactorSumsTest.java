package dev.bigbatch.optimizer.kfac;

import dev.bigbatch.optimizer.stats.LocalShard;
import org.deeplearning4j.nn.api.Model;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.List;

import static dev.bigbatch.optimizer.kfac.KroneckerFactorStatisticDenseTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The in-place accumulation of {@link KroneckerFactorSums}: A = Σ āāᵀ and G = Σ (1/|T|) ggᵀ over two ghost batches,
 * in one chunk per batch and in one example per chunk, equal the products formed directly.
 */
class KroneckerFactorSumsTest {
    @Test
    void chunkedInPlaceSumsEqualDirectProducts() {
        Model net = TinyNets.conv(1);
        List<CurvatureBlocks.Bound> blocks = CurvatureBlocks.bind(net);
        KroneckerFactorSums whole = new KroneckerFactorSums();
        KroneckerFactorSums perExample = new KroneckerFactorSums(1);
        INDArray[][] expected = new INDArray[blocks.size()][];
        for (int batch = 0; batch < 2; batch++) {
            DataSet data = TinyNets.data(11 + batch, 4, 3, 2, 6, 7);
            try (LayerRecorders rec = LayerRecorders.install(blocks)) {
                LocalShard.compute(net, data);
                for (int i = 0; i < blocks.size(); i++) {
                    CurvatureBlock block = blocks.get(i).block();
                    INDArray input = rec.input(blocks.get(i));
                    INDArray delta = rec.preActivationGradient(blocks.get(i));
                    whole.add(block, input, delta);
                    perExample.add(block, input, delta);
                    INDArray a = BlockRows.input(block, input).castTo(DataType.DOUBLE);
                    INDArray g = BlockRows.gradient(block, delta).castTo(DataType.DOUBLE);
                    INDArray[] direct = {a.transpose().mmul(a), g.transpose().mmul(g).divi(block.positions(input))};
                    expected[i] = expected[i] == null ? direct
                            : new INDArray[]{expected[i][0].add(direct[0]), expected[i][1].add(direct[1])};
                }
            }
        }
        boolean convolution = false;
        for (int i = 0; i < blocks.size(); i++) {
            BlockId id = blocks.get(i).block().id();
            convolution |= blocks.get(i).block() instanceof ConvolutionBlock;
            for (KroneckerFactorSums sums : new KroneckerFactorSums[]{whole, perExample}) {
                assertClose(expected[i][0], sums.sums(id)[0], id + " A");
                assertClose(expected[i][1], sums.sums(id)[1], id + " G");
            }
            assertTrue(expected[i][0].sumNumber().doubleValue() != 0, id + ": the products are not all zero");
        }
        assertTrue(convolution, "a convolution block (|T| > 1) is among the blocks");
        assertEquals(2, blocks.size());
    }
}
