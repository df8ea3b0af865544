package dev.bigbatch.jobs.data;

import dev.bigbatch.data.dataset.DatasetLayout;
import dev.bigbatch.data.dataset.DatasetManifest;
import dev.bigbatch.jobs.exit.DataError;
import dev.bigbatch.optimizer.config.ConfigError;

/**
 * Picks the decoder for a prepared dataset from its manifest's encoding, and with it the network's input shape:
 * fixed-size datasets (CIFAR, {@value DatasetLayout#ENCODING_RAW_U8_CHW}) are fed at their stored size; JPEG datasets,
 * whose images vary in size, at the square side the run asks for ({@value #IMAGE_SIZE_KEY}, {@value #DEFAULT_JPEG_SIZE}
 * unless set).
 */
public final class ImageDecoders {
    /** The config key of the requested input side. */
    public static final String IMAGE_SIZE_KEY = "data.image-size";
    /** The input side of ResNet-50 on ImageNet (He et al. 2016). */
    public static final int DEFAULT_JPEG_SIZE = 224;
    /** A requested size of 0: the dataset's own (stored size, or {@value #DEFAULT_JPEG_SIZE} for JPEG). */
    public static final int DATASET_SIZE = 0;

    private ImageDecoders() {
    }

    /**
     * @param imageSize requested square input side, or {@link #DATASET_SIZE}
     * @throws ConfigError naming {@value #IMAGE_SIZE_KEY} if a fixed-size dataset is asked for another size
     */
    public static ImageDecoder forManifest(DatasetManifest manifest, String datasetUri, int imageSize) {
        if (DatasetLayout.ENCODING_RAW_U8_CHW.equals(manifest.encoding())) {
            if (imageSize != DATASET_SIZE && (imageSize != manifest.height() || imageSize != manifest.width())) {
                throw new ConfigError(IMAGE_SIZE_KEY, "dataset " + datasetUri + " stores " + manifest.height() + "x"
                        + manifest.width() + " images, which are fed as they are; found " + imageSize
                        + ". Remove the key (or set it to " + manifest.height() + ") for this dataset");
            }
            return CifarImageDecoder.of(manifest);
        }
        if (DatasetLayout.ENCODING_JPEG.equals(manifest.encoding())) {
            return JpegImageDecoder.of(manifest, imageSize == DATASET_SIZE ? DEFAULT_JPEG_SIZE : imageSize);
        }
        throw new DataError("dataset " + datasetUri + " has image encoding '" + manifest.encoding()
                + "', which this version cannot read (supported: " + DatasetLayout.ENCODING_RAW_U8_CHW + ", "
                + DatasetLayout.ENCODING_JPEG + "); prepare it again with this version");
    }
}
