package dev.bigbatch.optimizer;

import dev.bigbatch.optimizer.config.ConfigReader;
import dev.bigbatch.optimizer.firstorder.AdaDelta;
import dev.bigbatch.optimizer.firstorder.AdaGrad;
import dev.bigbatch.optimizer.firstorder.AdaGradNorm;
import dev.bigbatch.optimizer.firstorder.AdaMax;
import dev.bigbatch.optimizer.firstorder.Adam;
import dev.bigbatch.optimizer.firstorder.Nesterov;
import dev.bigbatch.optimizer.firstorder.RmsProp;
import dev.bigbatch.optimizer.firstorder.Rprop;
import dev.bigbatch.optimizer.neumann.NeumannConfig;
import dev.bigbatch.optimizer.sgd.MomentumSgd;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * The registry of optimizers by {@code optimizer.name}: each entry reads its validated config from the
 * {@code optimizer} section. Every key each of them accepts is documented in docs/CONFIG.md, which
 * {@code ConfigReferenceTest} checks against these readers.
 */
public final class Optimizers {
    public static final String DEFAULT_NAME = "momentum";
    private static final Map<String, BiFunction<String, ConfigReader, OptimizerConfig>> READERS = new LinkedHashMap<>();

    static {
        register("sgd", MomentumSgd.Config::read);
        register("momentum", MomentumSgd.Config::read);
        register(Nesterov.NAME, Nesterov::read);
        register(Rprop.NAME, Rprop.Config::read);
        register(AdaGrad.NAME, AdaGrad::read);
        register(RmsProp.NAME, RmsProp::read);
        register(AdaDelta.NAME, AdaDelta::read);
        register(Adam.NAME, Adam::read);
        register(AdaMax.NAME, AdaMax::read);
        register(AdaGradNorm.NAME, AdaGradNorm.Config::read);
        register(NeumannConfig.NAME, NeumannConfig::read);
        register(dev.bigbatch.optimizer.kfac.KfacConfig.NAME, dev.bigbatch.optimizer.kfac.KfacConfig::read);
    }

    private Optimizers() {
    }

    /** Adds an optimizer; each registers itself in the static block above. */
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
