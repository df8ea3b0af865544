package dev.bigbatch.optimizer.kfac;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;

/**
 * The registry of curvature blocks: DL4J layer configuration class → block constructor (kfac-jax's
 * {@code _DEFAULT_TAG_TO_BLOCK_CTOR}). Matched on the exact class: subclasses such as {@code Convolution1DLayer} or
 * {@code DepthwiseConvolution2D} are other operations and get no block. A constructor may also decline a layer
 * (returns null), as {@link DenseBlock} does for layer normalization. Layers with parameters but no block take the
 * first-order update; each such layer class is logged once per JVM here, and the driver lists the layers by name.
 */
public final class CurvatureBlocks {
    private static final Logger LOG = LoggerFactory.getLogger(CurvatureBlocks.class);
    private static final Map<Class<? extends org.deeplearning4j.nn.conf.layers.Layer>,
            BiFunction<String, Layer, CurvatureBlock>> REGISTRY = Map.of(
            DenseLayer.class, DenseBlock::of,
            OutputLayer.class, DenseBlock::of,
            ConvolutionLayer.class, ConvolutionBlock::of);
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

    private CurvatureBlocks() {
    }

    /** A block together with the DL4J layer it describes. */
    public record Bound(CurvatureBlock block, Layer layer) {
    }

    /**
     * The blocks of a MultiLayerNetwork or ComputationGraph, in layer order, named as {@code ParameterLayout} names
     * layers.
     */
    public static List<Bound> bind(Model model) {
        Layer[] layers;
        if (model instanceof MultiLayerNetwork mln) {
            layers = mln.getLayers();
        } else if (model instanceof ComputationGraph cg) {
            layers = cg.getLayers();
        } else {
            throw new IllegalArgumentException("K-FAC supports MultiLayerNetwork and ComputationGraph, not "
                    + model.getClass().getName());
        }
        List<Bound> out = new ArrayList<>();
        for (int i = 0; i < layers.length; i++) {
            Layer layer = layers[i];
            String name = model instanceof MultiLayerNetwork ? String.valueOf(i) : layer.conf().getLayer().getLayerName();
            CurvatureBlock block = forLayer(name, layer);
            if (block != null) {
                out.add(new Bound(block, layer));
            } else if (layer.numParams() > 0) {
                String kind = layer.conf().getLayer().getClass().getSimpleName();
                if (LOGGED.add(kind)) {
                    LOG.info("K-FAC: no Kronecker block for {} layers (first seen: {}); they take the first-order update",
                            kind, name);
                }
            }
        }
        return out;
    }

    /** The block of one layer, or null if it has none. */
    public static CurvatureBlock forLayer(String name, Layer layer) {
        BiFunction<String, Layer, CurvatureBlock> ctor = REGISTRY.get(layer.conf().getLayer().getClass());
        return ctor == null ? null : ctor.apply(name, layer);
    }
}
