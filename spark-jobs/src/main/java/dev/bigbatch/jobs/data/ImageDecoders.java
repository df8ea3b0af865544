package dev.bigbatch.jobs.data;

import dev.bigbatch.data.dataset.DatasetLayout;
import dev.bigbatch.data.dataset.DatasetManifest;

/** Picks the decoder for a prepared dataset from its manifest's encoding. */
public final class ImageDecoders {
    private ImageDecoders() {
    }

    public static ImageDecoder forManifest(DatasetManifest manifest, String datasetUri) {
        if (DatasetLayout.ENCODING_RAW_U8_CHW.equals(manifest.encoding())) {
            return CifarImageDecoder.of(manifest);
        }
        throw new IllegalArgumentException("dataset " + datasetUri + " has image encoding '" + manifest.encoding()
                + "', which this version cannot train on (supported: " + DatasetLayout.ENCODING_RAW_U8_CHW + ")");
    }
}
