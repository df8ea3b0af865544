package dev.bigbatch.optimizer.kfac;

import java.util.Arrays;
import java.util.List;

/**
 * Which Fisher the factors estimate ({@code optimizer.fisher}).
 *
 * <ul>
 *   <li>{@link #TRUE}: the Fisher of the model's predictive distribution; targets are sampled from it, one sample per
 *       example (Martens &amp; Grosse 2015, §5, estimate the factors with targets drawn from the model);</li>
 *   <li>{@link #EMPIRICAL}: the training labels stand in for the samples. It saves only the sampling (the true
 *       Fisher samples from the step's own outputs, and both take one extra forward/backward pass per ghost batch,
 *       see {@link KroneckerFactorStatistic}), and it is a different matrix; see Kunstner et al. 2019, "Limitations of
 *       the empirical Fisher approximation".</li>
 * </ul>
 */
public enum FisherType {
    TRUE("true"),
    EMPIRICAL("empirical");

    private final String configName;

    FisherType(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static List<String> configNames() {
        return Arrays.stream(values()).map(FisherType::configName).toList();
    }

    public static FisherType of(String configName) {
        return Arrays.stream(values()).filter(v -> v.configName.equals(configName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown fisher type '" + configName + "'"));
    }
}
