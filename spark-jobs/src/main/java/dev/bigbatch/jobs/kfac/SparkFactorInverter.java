package dev.bigbatch.jobs.kfac;

import dev.bigbatch.jobs.device.ExecutorDevice;
import dev.bigbatch.optimizer.Optimizer;
import dev.bigbatch.optimizer.kfac.EigenResult;
import dev.bigbatch.optimizer.kfac.FactorInverter;
import dev.bigbatch.optimizer.kfac.FactorMatrix;
import dev.bigbatch.optimizer.kfac.InverseAssignment;
import dev.bigbatch.optimizer.kfac.InverseLocation;
import dev.bigbatch.optimizer.kfac.KfacOptimizer;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * K-FAC's periodic eigendecompositions as a Spark job ({@code optimizer.inverse-on = executors}). Ba, Grosse &amp;
 * Martens 2017 ("Distributed Second-Order Optimization using Kronecker-Factored Approximations") spread K-FAC's
 * extra computations, the factors' inverses among them, over separate workers and run them asynchronously; here the
 * refresh is one synchronous job at the step that needs it (every T_inv steps), so a run stays deterministic and
 * gives the same parameters as {@code optimizer.inverse-on = driver}.
 *
 * <p>One refresh is one job: the factors are assigned to k tasks by {@link InverseAssignment} (largest first onto the
 * least-loaded task, cost n³), each task decomposes its factors with the same pure function the driver would use
 * ({@code FactorEigendecomposition.decompose}), and the eigenvalues and eigenvectors are collected back to the driver
 * in the order given. k is the cluster's default parallelism (one task per core), never more than the factors.
 *
 * <p>What travels: each task's factors as one broadcast ({@link InverseTask}: packed upper triangles in DOUBLE, read
 * only by the executor that runs the task, destroyed after the job), and back n eigenvalues plus the n×n eigenvectors
 * per factor as task results. Broadcasts rather than the factors inside the task records: a task travels in one RPC
 * message, capped by {@code spark.rpc.message.maxSize} (128 MiB), which a task holding two of ResNet-50's largest
 * factors (4,608×4,608, 85 MB each packed) would exceed, and Spark warns about tasks above 1 MiB, which ResNet-20's
 * already are (about 4.7 MB each in two tasks); a broadcast is fetched in pieces, by the one executor that reads it.
 * The collected eigenvectors count against {@code spark.driver.maxResultSize}; Spark's own error names that key if a
 * very large model exceeds it.
 *
 * <p>A decomposition that fails is a failed {@link EigenResult}, handled by the optimizer as on the driver; a job that
 * fails (tasks out of retries) fails the step. The job's description names the training step.
 */
public final class SparkFactorInverter implements FactorInverter {
    private final JavaSparkContext sc;
    private final int tasks;
    private final LongSupplier step;

    /**
     * @param sc    the context to run on
     * @param tasks k, the most tasks per job
     * @param step  the one-based training step being taken, for the job description
     */
    public SparkFactorInverter(JavaSparkContext sc, int tasks, LongSupplier step) {
        if (tasks < 1) {
            throw new IllegalArgumentException("need at least one task, found " + tasks);
        }
        this.sc = sc;
        this.tasks = tasks;
        this.step = step;
    }

    /**
     * Installs a {@code SparkFactorInverter} with one task per core of {@code sc} into {@code optimizer} if it is K-FAC
     * configured with {@code optimizer.inverse-on = executors}; returns whether it did.
     */
    public static boolean installOn(Optimizer optimizer, JavaSparkContext sc) {
        if (optimizer instanceof KfacOptimizer kfac && kfac.config().inverseOn() == InverseLocation.EXECUTORS) {
            kfac.useInverter(new SparkFactorInverter(sc, sc.defaultParallelism(), () -> kfac.stepCount() + 1));
            return true;
        }
        return false;
    }

    @Override
    public List<EigenResult> decompose(List<FactorMatrix> factors) {
        if (factors.isEmpty()) {
            return List.of();
        }
        List<int[]> assignment = plan(factors, tasks);
        List<Broadcast<InverseTask>> payloads = new ArrayList<>();
        String previous = sc.getLocalProperty("spark.job.description");
        try {
            for (int[] members : assignment) {
                payloads.add(sc.broadcast(InverseTask.of(factors, members)));
            }
            sc.setJobDescription(description(factors, assignment.size()));
            List<EigenResult[]> perTask = sc.parallelize(payloads, payloads.size())
                    .map(SparkFactorInverter::runTask)
                    .collect();
            return inOrder(factors.size(), assignment, perTask);
        } finally {
            sc.setLocalProperty("spark.job.description", previous);
            payloads.forEach(b -> b.destroy());
        }
    }

    /** The non-empty tasks of {@link InverseAssignment#assign} for at most {@code tasks} tasks. */
    static List<int[]> plan(List<FactorMatrix> factors, int tasks) {
        int[] dims = factors.stream().mapToInt(FactorMatrix::n).toArray();
        return InverseAssignment.assign(dims, Math.min(tasks, dims.length)).stream()
                .filter(members -> members.length > 0).toList();
    }

    private static EigenResult[] runTask(Broadcast<InverseTask> payload) {
        ExecutorDevice.bindForCurrentTask();
        return payload.value().decompose();
    }

    private static List<EigenResult> inOrder(int count, List<int[]> assignment, List<EigenResult[]> perTask) {
        EigenResult[] out = new EigenResult[count];
        for (int t = 0; t < assignment.size(); t++) {
            int[] members = assignment.get(t);
            EigenResult[] results = perTask.get(t);
            if (results.length != members.length) {
                throw new IllegalStateException("inverse task " + t + " returned " + results.length + " results for "
                        + members.length + " factors");
            }
            for (int k = 0; k < members.length; k++) {
                out[members[k]] = results[k];
            }
        }
        return Arrays.asList(out);
    }

    private String description(List<FactorMatrix> factors, int taskCount) {
        int largest = factors.stream().mapToInt(FactorMatrix::n).max().orElse(0);
        double shift = factors.stream().mapToDouble(FactorMatrix::shift).max().orElse(0);
        return "bigbatch train step " + step.getAsLong() + ": K-FAC eigendecompositions of " + factors.size()
                + " factors (largest " + largest + "x" + largest + ") in " + taskCount + " tasks"
                + (shift > 0 ? ", retried with diagonal shift " + shift : "");
    }
}
