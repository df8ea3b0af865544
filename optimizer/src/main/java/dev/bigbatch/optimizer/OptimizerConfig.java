package dev.bigbatch.optimizer;

/**
 * Immutable, validated configuration of one optimizer; makes fresh optimizers for a parameter layout.
 */
public interface OptimizerConfig {
    String name();

    Optimizer create(ParameterLayout layout, TrainingShape shape);
}
