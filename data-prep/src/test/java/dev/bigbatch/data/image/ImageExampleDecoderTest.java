package dev.bigbatch.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageExampleDecoderTest {

    private static List<EncodedImage> examples(int n) {
        List<EncodedImage> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new EncodedImage(i, i % 3, ImageFixtures.jpeg(64 + i, 48, i), 1000L + i));
        }
        return list;
    }

    @Test
    void prefetchedTensorsEqualSerialDecodingInOrder() {
        ImageExampleDecoder decoder = new ImageExampleDecoder(
                new RandomResizedCropTransform(RandomResizedCrop.DEFAULT, 32, ChannelNormalization.IMAGENET));
        List<EncodedImage> source = examples(24);
        List<ImageTensor> serial = source.stream().map(decoder).toList();
        try (OrderedPrefetchIterator<EncodedImage, ImageTensor> it = decoder.prefetch(source.iterator(), 3, 8)) {
            for (ImageTensor expected : serial) {
                ImageTensor actual = it.next();
                assertEquals(expected.id(), actual.id());
                assertEquals(expected.label(), actual.label());
                assertArrayEquals(expected.chw(), actual.chw());
                assertEquals(3 * 32 * 32, actual.chw().length);
            }
        }
    }

    @Test
    void aCorruptRecordFailsTheConsumerWithItsId() {
        ImageExampleDecoder decoder = new ImageExampleDecoder(
                new CenterCropTransform(40, 32, ChannelNormalization.IMAGENET));
        List<EncodedImage> source = new ArrayList<>(examples(10));
        source.set(6, new EncodedImage(6, 0, new byte[] {1, 2, 3, 4, 5}, 0));
        try (OrderedPrefetchIterator<EncodedImage, ImageTensor> it = decoder.prefetch(source.iterator(), 2, 4)) {
            for (int i = 0; i < 6; i++) {
                assertEquals(i, it.next().id());
            }
            ImageDecodeException e = assertThrows(ImageDecodeException.class, it::next);
            assertTrue(e.getMessage().startsWith("example id 6 (label 0): undecodable"), e.getMessage());
        }
    }
}
