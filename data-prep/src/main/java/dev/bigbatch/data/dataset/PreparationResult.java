package dev.bigbatch.data.dataset;

/**
 * What a completed preparation wrote.
 *
 * @param outUri   the dataset directory
 * @param manifest its manifest, as written
 */
public record PreparationResult(String outUri, DatasetManifest manifest) {
}
