package dev.bigbatch.jobs.train;

import dev.bigbatch.optimizer.StepReport;
import dev.bigbatch.optimizer.stats.StepSums;

import java.io.PrintStream;

/** The console line of a logged step: epoch, step/total, loss, accuracy, learning rate, images/s and ETA. */
final class ProgressLine {
    /** Weight of the newest step in the moving average of step time. */
    private static final double SMOOTHING = 0.1;
    private final PrintStream out;
    private final long total;
    private final int batch;
    private double avgNanos = Double.NaN;
    private long done;

    ProgressLine(PrintStream out, long total, int batch) {
        this.out = out;
        this.total = total;
        this.batch = batch;
    }

    void stepDone(long nanos) {
        done++;
        // The first step includes replica construction and JIT warm-up: let later steps dominate quickly.
        avgNanos = Double.isNaN(avgNanos) || done == 2 ? nanos : (1 - SMOOTHING) * avgNanos + SMOOTHING * nanos;
    }

    double imagesPerSecond() {
        return batch / (avgNanos / 1e9);
    }

    void print(int epoch, long step, StepSums sums, StepReport report) {
        long etaSec = Math.round((total - step) * avgNanos / 1e9);
        out.printf("epoch %d | step %d/%d | loss %.4f | top1 %.3f | lr %.4g | %.0f img/s | ETA %s%n", epoch + 1, step,
                total, sums.meanLoss(), sums.top1(), report.learningRate(), imagesPerSecond(), duration(etaSec));
    }

    static String duration(long s) {
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, (s % 3600) / 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
