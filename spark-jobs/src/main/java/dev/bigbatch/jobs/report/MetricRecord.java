package dev.bigbatch.jobs.report;

/**
 * One line of {@code metrics.jsonl}: a logged training step ({@code split = "train"}) or an evaluation (the split's
 * name). Absent or null numbers are {@code NaN}.
 *
 * @param step         optimizer step
 * @param split        {@code "train"} or the evaluated split, e.g. {@code "val"}
 * @param loss         mean loss
 * @param top1         top-1 accuracy, as logged (a fraction)
 * @param top5         top-5 accuracy
 * @param lr           learning rate used at this step
 * @param imagesPerSec training throughput
 * @param stepTimeMs   wall time of the step in milliseconds
 * @param epoch        epoch (possibly fractional)
 */
public record MetricRecord(long step, String split, double loss, double top1, double top5, double lr,
                           double imagesPerSec, double stepTimeMs, double epoch) {
    /** The split name of training steps. */
    public static final String TRAIN = "train";

    public boolean isTrain() {
        return TRAIN.equals(split);
    }
}
