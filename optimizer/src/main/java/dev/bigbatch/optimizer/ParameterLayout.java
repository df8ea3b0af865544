package dev.bigbatch.optimizer;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The flat parameter vector of a DL4J network cut into named segments, in DL4J's own flattening order
 * ({@code paramTable()} order, which is the order of {@code params()}).
 *
 * @param segments in flat order, contiguous, starting at 0
 * @param size     total number of parameters
 */
public record ParameterLayout(List<Segment> segments, long size) {

    /**
     * One parameter array of one layer.
     *
     * @param layerName  DL4J layer name (for a MultiLayerNetwork, its index as a string)
     * @param layerIndex position of the layer (MultiLayerNetwork index or ComputationGraph topological index)
     * @param paramKey   DL4J parameter key, e.g. {@code W}, {@code b}, {@code gamma}, {@code mean}
     * @param role       how optimizers treat it
     * @param offset     start in the flat vector
     * @param length     number of values
     * @param shape      shape of the parameter array as DL4J holds it
     */
    public record Segment(String layerName, int layerIndex, String paramKey, ParameterRole role, long offset, long length,
                          long[] shape) {
        public String name() {
            return layerName + "_" + paramKey;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Segment s && s.layerName.equals(layerName) && s.layerIndex == layerIndex
                    && s.paramKey.equals(paramKey) && s.role == role && s.offset == offset && s.length == length
                    && Arrays.equals(s.shape, shape);
        }

        @Override
        public int hashCode() {
            return name().hashCode() * 31 + Long.hashCode(offset);
        }

        @Override
        public String toString() {
            return name() + "[" + role + " " + offset + "+" + length + " " + Arrays.toString(shape) + "]";
        }
    }

    public ParameterLayout {
        segments = List.copyOf(segments);
        long expect = 0;
        for (Segment s : segments) {
            if (s.offset != expect) {
                throw new IllegalArgumentException("segment " + s + " does not start at " + expect);
            }
            expect += s.length;
        }
        if (expect != size) {
            throw new IllegalArgumentException("segments cover " + expect + " of " + size + " parameters");
        }
    }

    /**
     * The layout of a MultiLayerNetwork or ComputationGraph. Offsets are read from the parameter views themselves:
     * a ComputationGraph flattens in topological order, which is not the order of {@code getLayers()}.
     */
    public static ParameterLayout of(Model model) {
        Layer[] layers;
        if (model instanceof MultiLayerNetwork mln) {
            layers = mln.getLayers();
        } else if (model instanceof ComputationGraph cg) {
            layers = cg.getLayers();
        } else {
            throw new IllegalArgumentException("unsupported model type " + model.getClass().getName());
        }
        INDArray flat = model.params();
        List<Segment> out = new ArrayList<>();
        for (int i = 0; i < layers.length; i++) {
            Layer layer = layers[i];
            String name = model instanceof MultiLayerNetwork ? String.valueOf(i) : layer.conf().getLayer().getLayerName();
            boolean batchNorm = layer.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.BatchNormalization;
            for (Map.Entry<String, INDArray> e : layer.paramTable().entrySet()) {
                INDArray p = e.getValue();
                long offset = p.offset() - flat.offset();
                out.add(new Segment(name, i, e.getKey(), roleOf(batchNorm, e.getKey()), offset, p.length(), p.shape()));
            }
        }
        out.sort(java.util.Comparator.comparingLong(Segment::offset));
        return new ParameterLayout(out, flat.length());
    }

    static ParameterRole roleOf(boolean batchNorm, String key) {
        if (batchNorm) {
            return switch (key) {
                case BatchNormalizationParamInitializer.GAMMA -> ParameterRole.NORM_SCALE;
                case BatchNormalizationParamInitializer.BETA -> ParameterRole.NORM_SHIFT;
                default -> ParameterRole.NORM_STATISTIC;
            };
        }
        return key.startsWith("b") ? ParameterRole.BIAS : ParameterRole.WEIGHT;
    }

    /** A half-open range [from, to) of the flat parameter vector. */
    public record Range(long from, long to) {
        public Range {
            if (from < 0 || to <= from) {
                throw new IllegalArgumentException("empty or negative range [" + from + ", " + to + ")");
            }
        }

        /** The index of this range, for a view {@code flat.get(range.index())} of a rank-1 vector. */
        public INDArrayIndex index() {
            return NDArrayIndex.interval(from, to);
        }
    }

    /**
     * The segments whose role {@code keep} accepts, as the fewest ranges: consecutive accepted segments are merged into
     * one range (in a network whose layers have no biases and no batch norm, that is one range for the whole vector).
     */
    public List<Range> ranges(Predicate<ParameterRole> keep) {
        List<Range> out = new ArrayList<>();
        long from = -1;
        long to = -1;
        for (Segment s : segments) {
            if (!keep.test(s.role) || s.length == 0) {
                continue;
            }
            if (s.offset != to) {
                if (to > from) {
                    out.add(new Range(from, to));
                }
                from = s.offset;
            }
            to = s.offset + s.length;
        }
        if (to > from) {
            out.add(new Range(from, to));
        }
        return List.copyOf(out);
    }

    public List<Segment> withRole(ParameterRole role) {
        return segments.stream().filter(s -> s.role == role).toList();
    }
}
