package dev.bigbatch.data.image;

import java.io.Serializable;
import java.util.Iterator;
import java.util.function.Function;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Decodes an {@link EncodedImage} natively and applies an {@link ImageTransform} with the example's seed: the
 * executor-side work for one training or evaluation example. A failure names the example id.
 */
public record ImageExampleDecoder(ImageTransform transform)
        implements Function<EncodedImage, ImageTensor>, Serializable {

    @Override
    public ImageTensor apply(EncodedImage example) {
        try (Mat bgr = NativeImageDecoder.decodeBgr(example.bytes())) {
            return new ImageTensor(example.id(), example.label(), transform.apply(bgr, example.seed()));
        } catch (RuntimeException e) {
            throw new ImageDecodeException("example id " + example.id() + " (label " + example.label() + "): "
                    + e.getMessage(), e);
        }
    }

    /**
     * Decodes {@code source} on {@code threads} background threads, at most {@code capacity} examples ahead of the
     * consumer, in source order. Close the result when done.
     */
    public OrderedPrefetchIterator<EncodedImage, ImageTensor> prefetch(Iterator<EncodedImage> source, int threads,
                                                                       int capacity) {
        return new OrderedPrefetchIterator<>(source, this, threads, capacity, "image-decode");
    }
}
