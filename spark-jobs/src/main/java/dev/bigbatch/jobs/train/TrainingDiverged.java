package dev.bigbatch.jobs.train;

/** The loss or the update became NaN or infinite: the run stops rather than continue from garbage. */
public final class TrainingDiverged extends RuntimeException {
    public TrainingDiverged(String message) {
        super(message);
    }
}
