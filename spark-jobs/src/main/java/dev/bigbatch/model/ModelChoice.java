package dev.bigbatch.model;

import dev.bigbatch.optimizer.config.ConfigReader;

/**
 * The {@code model} section: which network and how wide. The input shape and class count come from the dataset.
 *
 * @param name  one of {@link ModelSpec#NAMES}
 * @param width channels of the first stage
 */
public record ModelChoice(String name, int width) {
    public static ModelChoice read(ConfigReader r) {
        String name = r.oneOf("name", ModelSpec.DEFAULT_NAME, ModelSpec.NAMES);
        int w = r.integer("width", ModelSpec.defaultWidth(name), 1, 1024);
        r.finish();
        return new ModelChoice(name, w);
    }
}
