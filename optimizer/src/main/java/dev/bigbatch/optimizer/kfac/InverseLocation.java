package dev.bigbatch.optimizer.kfac;

import java.util.Arrays;
import java.util.List;

/**
 * Where the periodic eigendecompositions run ({@code optimizer.inverse-on}): on the driver, one after another, or
 * spread over the executors by a {@link FactorInverter} the training loop installs
 * ({@link KfacOptimizer#useInverter}); both apply the same pure function {@link FactorEigendecomposition#decompose}.
 */
public enum InverseLocation {
    DRIVER("driver"),
    EXECUTORS("executors");

    private final String configName;

    InverseLocation(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static List<String> configNames() {
        return Arrays.stream(values()).map(InverseLocation::configName).toList();
    }

    public static InverseLocation of(String configName) {
        return Arrays.stream(values()).filter(v -> v.configName.equals(configName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown inverse location '" + configName + "'"));
    }
}
