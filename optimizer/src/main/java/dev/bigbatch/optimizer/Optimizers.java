package dev.bigbatch.optimizer;

import dev.bigbatch.optimizer.config.ConfigReader;
import dev.bigbatch.optimizer.sgd.MomentumSgd;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The registry of optimizers by {@code optimizer.name}: each entry reads its validated config from the
 * {@code optimizer} section.
 */
public final class Optimizers {
    public static final String DEFAULT_NAME = "momentum";
    private static final Map<String, BiFunction<String, ConfigReader, OptimizerConfig>> READERS = new LinkedHashMap<>();

    static {
        register("sgd", MomentumSgd.Config::read);
        register("momentum", MomentumSgd.Config::read);
        register(dev.bigbatch.optimizer.kfac.KfacConfig.NAME, dev.bigbatch.optimizer.kfac.KfacConfig::read);
    }

    private Optimizers() {
    }

    /** Adds an optimizer; later issues register theirs here. */
    static void register(String name, BiFunction<String, ConfigReader, OptimizerConfig> reader) {
        READERS.put(name, reader);
    }

    public static List<String> names() {
        return List.copyOf(READERS.keySet());
    }

    /** Reads and validates the {@code optimizer} section; unknown keys are rejected. */
    public static OptimizerConfig read(ConfigReader section) {
        String name = section.oneOf("name", DEFAULT_NAME, names());
        OptimizerConfig c = READERS.get(name).apply(name, section);
        section.finish();
        return c;
    }
}
