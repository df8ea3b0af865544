package dev.bigbatch.bench;

import dev.bigbatch.optimizer.kfac.EigenResult;
import dev.bigbatch.optimizer.kfac.FactorInverter;
import dev.bigbatch.optimizer.kfac.FactorMatrix;

import java.util.List;

/** For {@link KfacStepBench}: times the decompositions of a refresh and counts what a distributed refresh moves. */
final class InverseMeter implements FactorInverter {
    private final FactorInverter inner;
    private final int maxTasks;
    long nanos;
    long sentBytes;
    long collectedBytes;
    int tasks;

    /** {@code maxTasks}: k of a {@code SparkFactorInverter}, 0 for the driver. */
    InverseMeter(FactorInverter inner, int maxTasks) {
        this.inner = inner;
        this.maxTasks = maxTasks;
    }

    @Override
    public List<EigenResult> decompose(List<FactorMatrix> f) {
        long t0 = System.nanoTime();
        var out = inner.decompose(f);
        nanos += System.nanoTime() - t0;
        sentBytes = f.stream().mapToLong(m -> 8L * m.n() * (m.n() + 1) / 2).sum();
        collectedBytes = f.stream().mapToLong(m -> 8L * m.n() * (m.n() + 1)).sum();
        // Largest-first assignment gives each of the first min(k, factors) tasks a factor; empty ones are dropped.
        tasks = Math.min(f.size(), maxTasks);
        return out;
    }
}
