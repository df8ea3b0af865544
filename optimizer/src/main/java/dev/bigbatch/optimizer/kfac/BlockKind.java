package dev.bigbatch.optimizer.kfac;

import java.util.Arrays;
import java.util.Optional;

/**
 * The kinds of Kronecker-factored curvature block, named as they appear in statistic keys and state.
 *
 * <p>Both kinds see the layer's weight gradient as a matrix ∇W of shape [out, in] whose row-major (c-order) flattening
 * is DL4J's own flat order of the {@code W} segment:
 * <ul>
 *   <li>{@link #DENSE}: DL4J holds W as [nIn, nOut] in f-order ({@code DefaultParamInitializer}), which read in c-order
 *       is Wᵀ of shape [nOut, nIn];</li>
 *   <li>{@link #CONV2D}: DL4J holds W as [nOut, nIn, kH, kW] in c-order ({@code ConvolutionParamInitializer}), which is
 *       [nOut, nIn·kH·kW] with columns ordered (channel, kernel row, kernel column), the column order of DL4J's
 *       im2col patches.</li>
 * </ul>
 * A bias, when present, is one more column (the homogeneous coordinate appended to the layer input).
 */
public enum BlockKind {
    DENSE("dense"),
    CONV2D("conv2d");

    private final String id;

    BlockKind(String id) {
        this.id = id;
    }

    /** The name used in keys, e.g. {@code dense}. */
    public String id() {
        return id;
    }

    /** Output dimension (rows of ∇W) of a layer whose DL4J weight array has {@code weightShape}. */
    public long outputDim(long[] weightShape) {
        return switch (this) {
            case DENSE -> {
                if (weightShape.length != 2) {
                    throw new IllegalArgumentException("dense W must be [nIn, nOut], found " + Arrays.toString(weightShape));
                }
                yield weightShape[1];
            }
            case CONV2D -> {
                if (weightShape.length != 4) {
                    throw new IllegalArgumentException("conv2d W must be [nOut, nIn, kH, kW], found "
                            + Arrays.toString(weightShape));
                }
                yield weightShape[0];
            }
        };
    }

    static Optional<BlockKind> byId(String id) {
        return Arrays.stream(values()).filter(k -> k.id.equals(id)).findFirst();
    }
}
