package dev.bigbatch.data.imagenet;

import java.io.Serializable;
import java.util.Locale;

/**
 * What {@code prepare-imagenet} reads and writes. URIs are Hadoop paths ({@code hdfs://}, {@code s3a://},
 * {@code file://} or plain local paths).
 *
 * @param train            {@code ILSVRC2012_img_train.tar} (a tar of per-class tars) or a directory {@code <wnid>/*}
 * @param val              optional: {@code ILSVRC2012_img_val.tar}, a directory {@code <wnid>/*}, or a flat
 *                         directory of images; null for none
 * @param valLabels        optional labels for a flat val tar/directory: {@code LOC_val_solution.csv}, the devkit's
 *                         {@code ILSVRC2012_validation_ground_truth.txt} (with {@code meta.mat} beside it or given
 *                         as {@code meta}), the devkit directory, or the devkit {@code .tar.gz}
 * @param meta             optional devkit {@code meta.mat}: class names, and restricts classes to its 1,000 leaves
 * @param synsetWords      optional {@code LOC_synset_mapping.txt}/{@code synset_words.txt} for class names
 * @param out              output directory; must not already hold a dataset
 * @param layout           {@link Layout#IMAGENET} (classes are wnids) or {@link Layout#FOLDER} (any folder names)
 * @param shorterSide      images whose shorter side is longer are downscaled to it; smaller ones are kept as they are
 * @param jpegQuality      quality of the re-encoded JPEGs, 1–100
 * @param maxBadFraction   fraction of a split's files that may be quarantined before the job fails, in [0, 1]
 * @param targetShardBytes approximate size of each Parquet file
 */
public record ImagenetPreparationOptions(String train, String val, String valLabels, String meta, String synsetWords,
                                         String out, Layout layout, int shorterSide, int jpegQuality,
                                         double maxBadFraction, long targetShardBytes) implements Serializable {

    /**
     * Default shorter side: 320. The median ILSVRC image is 500x375; 320 keeps 73% of its pixels, so the 8%-area
     * crops of random-resized-crop still have ~90 source pixels a side to upsample to 224, while storage and decode
     * time drop about 2x against the originals. Evaluation's resize-to-256 is still a true downscale. Use 256 for the
     * fastest pipeline (evaluation resize becomes the identity), or 0 to keep the original sizes.
     */
    public static final int DEFAULT_SHORTER_SIDE = 320;
    /** libjpeg quality 90: visually lossless, and the setting torchvision-era re-encoding pipelines use. */
    public static final int DEFAULT_JPEG_QUALITY = 90;
    /**
     * ILSVRC2012 has no undecodable files (its CMYK, grayscale and PNG files are all converted), so more than one in
     * a thousand quarantined means the input is not what it is meant to be.
     */
    public static final double DEFAULT_MAX_BAD_FRACTION = 0.001;
    /** 128 MiB: one Parquet row group per file at Spark's default block size, and one HDFS block. */
    public static final long DEFAULT_TARGET_SHARD_BYTES = 128L << 20;

    /** How class folders are named. */
    public enum Layout {
        /** Classes are WordNet ids; the class index is their sorted order (torchvision/TF convention). */
        IMAGENET,
        /** Any folder-per-class dataset; classes are the sorted train folder names. */
        FOLDER;

        /** The manifest's {@code source} value. */
        public String sourceName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ImagenetPreparationOptions {
        require(train, "--train");
        require(out, "--out");
        if (layout == null) {
            throw new IllegalArgumentException("layout must be imagenet or folder");
        }
        if (valLabels != null && val == null) {
            throw new IllegalArgumentException("--val-labels " + valLabels + " given without --val");
        }
        if (shorterSide < 0) {
            throw new IllegalArgumentException("--shorter-side must be >= 0 (0 keeps original sizes), found "
                    + shorterSide);
        }
        if (jpegQuality < 1 || jpegQuality > 100) {
            throw new IllegalArgumentException("--jpeg-quality must be in [1, 100], found " + jpegQuality);
        }
        if (!(maxBadFraction >= 0 && maxBadFraction <= 1)) {
            throw new IllegalArgumentException("--max-bad-fraction must be in [0, 1], found " + maxBadFraction);
        }
        if (targetShardBytes < (1 << 20)) {
            throw new IllegalArgumentException("--shard-mb must be at least 1, found " + targetShardBytes
                    + " bytes");
        }
    }

    /** Options with every default: train (and optionally val) to out. */
    public static ImagenetPreparationOptions of(String train, String val, String valLabels, String out) {
        return new ImagenetPreparationOptions(train, val, valLabels, null, null, out, Layout.IMAGENET,
                DEFAULT_SHORTER_SIDE, DEFAULT_JPEG_QUALITY, DEFAULT_MAX_BAD_FRACTION, DEFAULT_TARGET_SHARD_BYTES);
    }

    public ImagenetPreparationOptions withLayout(Layout newLayout) {
        return new ImagenetPreparationOptions(train, val, valLabels, meta, synsetWords, out, newLayout, shorterSide,
                jpegQuality, maxBadFraction, targetShardBytes);
    }

    public ImagenetPreparationOptions withMetadata(String newMeta, String newSynsetWords) {
        return new ImagenetPreparationOptions(train, val, valLabels, newMeta, newSynsetWords, out, layout,
                shorterSide, jpegQuality, maxBadFraction, targetShardBytes);
    }

    public ImagenetPreparationOptions withImages(int newShorterSide, int newJpegQuality) {
        return new ImagenetPreparationOptions(train, val, valLabels, meta, synsetWords, out, layout, newShorterSide,
                newJpegQuality, maxBadFraction, targetShardBytes);
    }

    public ImagenetPreparationOptions withLimits(double newMaxBadFraction, long newTargetShardBytes) {
        return new ImagenetPreparationOptions(train, val, valLabels, meta, synsetWords, out, layout, shorterSide,
                jpegQuality, newMaxBadFraction, newTargetShardBytes);
    }

    private static void require(String value, String flag) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(flag + " is required");
        }
    }
}
