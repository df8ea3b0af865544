package dev.bigbatch.optimizer.stats;

import java.io.Serializable;
import java.util.List;

/**
 * What the optimizer needs from executors for one step: always the gradient, loss and counts, plus any
 * {@link ShardStatistic}s (e.g. K-FAC factors, but only on factor-update steps).
 */
public record StepRequest(List<ShardStatistic> statistics) implements Serializable {
    private static final StepRequest GRADIENT_ONLY = new StepRequest(List.of());

    public StepRequest {
        statistics = List.copyOf(statistics);
    }

    public static StepRequest gradientOnly() {
        return GRADIENT_ONLY;
    }
}
