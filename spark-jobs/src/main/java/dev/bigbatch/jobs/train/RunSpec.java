package dev.bigbatch.jobs.train;

import dev.bigbatch.jobs.data.ImageDecoder;
import dev.bigbatch.jobs.run.DataSettings;
import dev.bigbatch.model.NetworkSpec;

import java.io.Serializable;

/**
 * What every executor needs for the whole run, broadcast once: the model to build, how to decode examples, the seed,
 * the ghost-batch size, and how many background threads decode ahead of the computation.
 *
 * @param decodeThreads threads per task decoding the next ghost batch while the current one computes; 0: inline
 */
public record RunSpec(NetworkSpec network, ImageDecoder decoder, long seed, boolean augment, int ghostSize,
                      int decodeThreads) implements Serializable {

    public RunSpec {
        if (decodeThreads < 0) {
            throw new IllegalArgumentException("decodeThreads must be >= 0, found " + decodeThreads);
        }
    }

    /** With {@link DataSettings#DEFAULT_DECODE_THREADS} decode threads. */
    public RunSpec(NetworkSpec network, ImageDecoder decoder, long seed, boolean augment, int ghostSize) {
        this(network, decoder, seed, augment, ghostSize, DataSettings.DEFAULT_DECODE_THREADS);
    }

    /** The same run with {@code threads} decode threads. */
    public RunSpec withDecodeThreads(int threads) {
        return new RunSpec(network, decoder, seed, augment, ghostSize, threads);
    }
}
