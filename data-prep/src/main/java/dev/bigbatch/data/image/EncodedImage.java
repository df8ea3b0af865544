package dev.bigbatch.data.image;

/**
 * One example as stored in a prepared dataset, plus the seed of its augmentation.
 *
 * @param id    index of the example within its split (the dataset's {@code id} column)
 * @param label class index
 * @param bytes encoded image (JPEG for prepared ImageNet)
 * @param seed  augmentation seed; the caller derives it from (run seed, epoch, id) so that it alone fixes the result
 */
public record EncodedImage(long id, int label, byte[] bytes, long seed) {
}
