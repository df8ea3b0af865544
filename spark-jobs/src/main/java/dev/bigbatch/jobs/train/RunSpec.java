package dev.bigbatch.jobs.train;

import dev.bigbatch.jobs.data.ImageDecoder;
import dev.bigbatch.model.NetworkSpec;

import java.io.Serializable;

/**
 * What every executor needs for the whole run, broadcast once: the model to build, how to decode examples, the seed
 * and the ghost-batch size.
 */
public record RunSpec(NetworkSpec network, ImageDecoder decoder, long seed, boolean augment, int ghostSize)
        implements Serializable {
}
