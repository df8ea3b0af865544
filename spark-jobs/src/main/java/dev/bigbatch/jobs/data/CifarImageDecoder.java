package dev.bigbatch.jobs.data;

import dev.bigbatch.data.augment.CifarAugmentation;
import dev.bigbatch.data.dataset.DatasetManifest;

/**
 * Decodes {@code raw-u8-chw} CIFAR images with {@link CifarAugmentation} (random 4-pixel-padded crop and flip for
 * training; per-channel normalization from the manifest).
 */
public final class CifarImageDecoder implements ImageDecoder {
    private static final long serialVersionUID = 1L;
    private final double[] mean;
    private final double[] std;
    private transient CifarAugmentation augmentation;

    public CifarImageDecoder(double[] mean, double[] std) {
        this.mean = mean.clone();
        this.std = std.clone();
        this.augmentation = new CifarAugmentation(this.mean, this.std);
    }

    public static CifarImageDecoder of(DatasetManifest manifest) {
        CifarAugmentation.of(manifest); // validates encoding and shape, naming what the dataset has
        return new CifarImageDecoder(manifest.mean().stream().mapToDouble(Double::doubleValue).toArray(),
                manifest.std().stream().mapToDouble(Double::doubleValue).toArray());
    }

    private CifarAugmentation augmentation() {
        if (augmentation == null) {
            augmentation = new CifarAugmentation(mean, std);
        }
        return augmentation;
    }

    @Override
    public int channels() {
        return CifarAugmentation.CHANNELS;
    }

    @Override
    public int height() {
        return CifarAugmentation.SIDE;
    }

    @Override
    public int width() {
        return CifarAugmentation.SIDE;
    }

    @Override
    public void decode(byte[] image, boolean train, long seed, float[] out, int offset) {
        if (train) {
            augmentation().train(image, seed, out, offset);
        } else {
            augmentation().eval(image, out, offset);
        }
    }
}
