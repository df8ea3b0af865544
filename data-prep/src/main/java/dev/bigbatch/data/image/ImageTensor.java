package dev.bigbatch.data.image;

/**
 * One decoded, transformed example.
 *
 * @param id    the example's id within its split
 * @param label class index
 * @param chw   normalized pixels, {@code [3, size, size]} flattened in C order (RGB planes)
 */
public record ImageTensor(long id, int label, float[] chw) {
}
