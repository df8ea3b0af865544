/**
 * The Spark side of K-FAC (the optimizer itself is {@code dev.bigbatch.optimizer.kfac}): the executors' Kronecker
 * factor statistics already travel with each step's sums; this package runs the periodic eigendecompositions as a
 * Spark job when {@code optimizer.inverse-on = executors} ({@link dev.bigbatch.jobs.kfac.SparkFactorInverter},
 * installed by the training loop).
 */
package dev.bigbatch.jobs.kfac;
