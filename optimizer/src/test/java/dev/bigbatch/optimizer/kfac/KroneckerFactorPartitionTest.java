package dev.bigbatch.optimizer.kfac;

import dev.bigbatch.optimizer.stats.LocalShard;
import dev.bigbatch.optimizer.stats.StepSums;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Distributed equals local: the factor sums of 1, 2 and 4 shards agree, and a retried shard repeats itself. */
class KroneckerFactorPartitionTest {
    private static final int N = 16;
    private static final int GHOST = 4;

    /** Batch norm makes each ghost batch's output depend on its members; the ghost batches are the same in all splits. */
    private static MultiLayerNetwork net() {
        return TinyNets.convNet(21, ConvolutionMode.Same, CNN2DFormat.NCHW, true);
    }

    @Test
    void oneTwoAndFourShardsGiveTheSameFactors() {
        MultiLayerNetwork net = net();
        DataSet data = TinyNets.data(22, N, 3, 2, 6, 7);
        StepSums one = sums(net, data, 1);
        for (int shards : new int[]{2, 4}) {
            StepSums split = sums(net, data, shards);
            assertEquals(one.extras().keySet(), split.extras().keySet());
            for (Map.Entry<String, float[]> e : one.extras().entrySet()) {
                float[] a = e.getValue();
                float[] b = split.extraSum(e.getKey());
                double diff = 0;
                double norm = 0;
                for (int i = 0; i < a.length; i++) {
                    diff = Math.max(diff, Math.abs(a[i] - b[i]));
                    norm = Math.max(norm, Math.abs(a[i]));
                }
                // Only the order of the float additions differs; observed below 1e-7 of the largest entry.
                assertTrue(diff <= 1e-6 * norm, e.getKey() + " with " + shards + " shards differs by " + diff / norm);
            }
        }
        assertEquals(N, one.extraSum(BlockId.COUNT_KEY)[0]);
    }

    @Test
    void aRetriedShardGivesTheSameBits() {
        MultiLayerNetwork net = net();
        DataSet data = TinyNets.data(23, N, 3, 2, 6, 7);
        StepSums first = new StepSums();
        StepSums retry = new StepSums();
        var params = net.params().dup();
        new KroneckerFactorStatistic(FisherType.TRUE).accumulate(LocalShard.of(net, data, 4, 12, GHOST, 30, 5), first);
        assertArrayEquals(params.toDoubleVector(), net.params().toDoubleVector(),
                "training-mode passes leave the batch-norm running statistics alone");
        new KroneckerFactorStatistic(FisherType.TRUE).accumulate(LocalShard.of(net.clone(), data, 4, 12, GHOST, 30, 5), retry);
        for (String key : first.extras().keySet()) {
            assertArrayEquals(first.extraSum(key), retry.extraSum(key), key);
        }
    }

    /** The true-Fisher factor sums of all examples, split over {@code shards} replicas, merged as Spark would. */
    private static StepSums sums(MultiLayerNetwork net, DataSet data, int shards) {
        StepSums total = new StepSums();
        int per = N / shards;
        for (int s = 0; s < shards; s++) {
            StepSums part = new StepSums();
            LocalShard shard = LocalShard.of(net.clone(), data, s * per, (s + 1) * per, GHOST, 30, 5);
            new KroneckerFactorStatistic(FisherType.TRUE).accumulate(shard, part);
            total.merge(part);
        }
        return total;
    }
}
