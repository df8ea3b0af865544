package dev.bigbatch.optimizer.kfac;

import java.io.Serializable;
import java.util.Optional;

/**
 * One Kronecker block: its kind and the DL4J layer name (as in {@code ParameterLayout}). Names the statistic keys the
 * executors fill, {@code kfac.<kind>.<layer>.A} and {@code kfac.<kind>.<layer>.G}, and the block's state entries.
 *
 * @param kind  block kind
 * @param layer layer name (a MultiLayerNetwork index as a string, or a ComputationGraph vertex name)
 */
public record BlockId(BlockKind kind, String layer) implements Serializable {
    /** Prefix of every K-FAC statistic key. */
    public static final String PREFIX = "kfac.";
    /** Key of the number of examples the factor sums cover (a 1-element sum). */
    public static final String COUNT_KEY = PREFIX + "count";
    static final String INPUT_SUFFIX = ".A";
    static final String OUTPUT_SUFFIX = ".G";

    public BlockId {
        if (layer == null || layer.isEmpty()) {
            throw new IllegalArgumentException("a block needs a layer name");
        }
    }

    /** {@code kfac.<kind>.<layer>}: the stem of this block's keys. */
    public String stem() {
        return PREFIX + kind.id() + "." + layer;
    }

    /** Key of the input-side factor sum A = Σ ā āᵀ (packed upper triangle). */
    public String inputKey() {
        return stem() + INPUT_SUFFIX;
    }

    /** Key of the output-side factor sum G = Σ g gᵀ (packed upper triangle). */
    public String outputKey() {
        return stem() + OUTPUT_SUFFIX;
    }

    /** The block whose input-side key is {@code key}, if it is one. */
    public static Optional<BlockId> ofInputKey(String key) {
        if (!key.startsWith(PREFIX) || !key.endsWith(INPUT_SUFFIX)) {
            return Optional.empty();
        }
        String middle = key.substring(PREFIX.length(), key.length() - INPUT_SUFFIX.length());
        int dot = middle.indexOf('.');
        if (dot <= 0 || dot == middle.length() - 1) {
            return Optional.empty();
        }
        String layer = middle.substring(dot + 1);
        return BlockKind.byId(middle.substring(0, dot)).map(kind -> new BlockId(kind, layer));
    }

    @Override
    public String toString() {
        return kind.id() + " " + layer;
    }
}
