package dev.bigbatch.jobs.kfac;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;

import java.util.ArrayList;
import java.util.List;

/** Records the descriptions of the Spark jobs started while it listens; for tests. */
public final class JobDescriptions extends SparkListener implements AutoCloseable {
    private final JavaSparkContext sc;
    private final List<String> seen = new ArrayList<>();

    private JobDescriptions(JavaSparkContext sc) {
        this.sc = sc;
    }

    public static JobDescriptions listen(JavaSparkContext sc) {
        JobDescriptions d = new JobDescriptions(sc);
        sc.sc().addSparkListener(d);
        return d;
    }

    @Override
    public synchronized void onJobStart(SparkListenerJobStart start) {
        String d = start.properties() == null ? null : start.properties().getProperty("spark.job.description");
        seen.add(d == null ? "" : d);
    }

    /** Descriptions of the jobs started so far, once the listener bus has delivered every event. */
    public List<String> descriptions() {
        try {
            sc.sc().listenerBus().waitUntilEmpty(10_000);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Spark's listener bus did not drain in 10 s", e);
        }
        synchronized (this) {
            return new ArrayList<>(seen);
        }
    }

    /** Only those of K-FAC eigendecomposition jobs. */
    public List<String> inverseJobs() {
        return descriptions().stream().filter(d -> d.contains("K-FAC eigendecompositions")).toList();
    }

    @Override
    public void close() {
        sc.sc().removeSparkListener(this);
    }
}
