package dev.bigbatch.data.imagenet;

import java.io.Serializable;

/** What became of one input file: converted and written, or quarantined with a reason. */
public sealed interface ImageOutcome extends Serializable {

    /** Where the file came from ({@code archive!member!entry} for files inside tars). */
    String path();

    /**
     * A file written to the dataset.
     *
     * @param jpeg              the re-encoded image
     * @param conversion        null for an ordinary colour JPEG, else what was converted (e.g. "CMYK JPEG")
     * @param channelSum        sum over pixels of R, G, B (0–255 scale) of the written image, for the manifest
     * @param channelSumSquares sum over pixels of the squares of R, G, B
     * @param pixels            pixels of the written image
     */
    record Converted(String path, int label, byte[] jpeg, int width, int height, String conversion,
                     double[] channelSum, double[] channelSumSquares, long pixels) implements ImageOutcome {
    }

    /** A file left out of the dataset, with the reason (for {@code quarantine.jsonl}). */
    record Quarantined(String path, String reason) implements ImageOutcome {
    }
}
