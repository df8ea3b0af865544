package dev.bigbatch.model;

import dev.bigbatch.optimizer.config.ConfigError;

import java.io.Serializable;
import java.util.List;

/**
 * Which network to build ({@code model} section) and for what input; small enough to travel to executors, which
 * build their replica from it once and afterwards only load parameters.
 *
 * @param name       {@code small-cnn}; CIFAR ResNets {@code resnet8} ... {@code resnet110} (depth 6n+2);
 *                   {@code resnet50} (ImageNet, bottleneck blocks)
 * @param width      channels of the first stage (He et al. use 16 for CIFAR ResNets, 64 for ResNet-50)
 * @param classes    number of classes (from the dataset manifest)
 * @param channels   input channels
 * @param height     input height
 * @param imageWidth input width
 * @param seed       weight-initialization seed
 */
public record ModelSpec(String name, int width, int classes, int channels, int height, int imageWidth, long seed)
        implements Serializable {
    public static final List<String> NAMES = List.of("small-cnn", "resnet8", "resnet14", "resnet20", "resnet32",
            "resnet44", "resnet56", "resnet110", "resnet50");
    public static final String DEFAULT_NAME = "resnet20";
    public static final int DEFAULT_WIDTH = 16;
    public static final int DEFAULT_IMAGENET_WIDTH = 64;

    /** He et al.'s width for {@code name}. */
    public static int defaultWidth(String name) {
        return name.equals("resnet50") ? DEFAULT_IMAGENET_WIDTH : DEFAULT_WIDTH;
    }

    public ModelSpec {
        if (!NAMES.contains(name)) {
            throw new ConfigError("model.name", "'" + name + "' is not allowed; allowed values: " + String.join(", ", NAMES));
        }
        if (classes < 2 || channels < 1 || height < 8 || imageWidth < 8 || width < 1) {
            throw new IllegalArgumentException("invalid model input: " + classes + " classes, " + channels + "x" + height
                    + "x" + imageWidth + ", width " + width);
        }
    }

    /** The spec for {@code choice} on inputs of the given shape. */
    public static ModelSpec of(ModelChoice choice, int classes, int channels, int height, int width, long seed) {
        return new ModelSpec(choice.name(), choice.width(), classes, channels, height, width, seed);
    }

    /** Residual blocks per stage for {@code resnet(6n+2)}, or 0 for other models. */
    public int blocksPerStage() {
        if (!name.startsWith("resnet") || name.equals("resnet50")) {
            return 0;
        }
        int depth = Integer.parseInt(name.substring("resnet".length()));
        return (depth - 2) / 6;
    }
}
