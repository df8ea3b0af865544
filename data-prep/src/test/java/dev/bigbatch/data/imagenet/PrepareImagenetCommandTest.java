package dev.bigbatch.data.imagenet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PrepareImagenetCommandTest {

    @Test
    void defaultsApplyWhenOnlyTrainAndOutAreGiven() {
        ImagenetPreparationOptions o = PrepareImagenetCommand.parse(new String[] {"--train", "hdfs:///t.tar",
            "--out", "hdfs:///out"});
        assertEquals("hdfs:///t.tar", o.train());
        assertNull(o.val());
        assertEquals(ImagenetPreparationOptions.DEFAULT_SHORTER_SIDE, o.shorterSide());
        assertEquals(ImagenetPreparationOptions.DEFAULT_JPEG_QUALITY, o.jpegQuality());
        assertEquals(ImagenetPreparationOptions.DEFAULT_MAX_BAD_FRACTION, o.maxBadFraction());
        assertEquals(ImagenetPreparationOptions.DEFAULT_TARGET_SHARD_BYTES, o.targetShardBytes());
        assertEquals(ImagenetPreparationOptions.Layout.IMAGENET, o.layout());
    }

    @Test
    void everyFlagIsParsed() {
        ImagenetPreparationOptions o = PrepareImagenetCommand.parse(new String[] {"--train", "t", "--val", "v",
            "--val-labels", "l.csv", "--out", "o", "--meta", "m.mat", "--synset-words", "w.txt", "--layout",
            "folder", "--shorter-side", "256", "--jpeg-quality", "85", "--max-bad-fraction", "0.05",
            "--shard-mb", "64"});
        assertEquals(new ImagenetPreparationOptions("t", "v", "l.csv", "m.mat", "w.txt", "o",
                ImagenetPreparationOptions.Layout.FOLDER, 256, 85, 0.05, 64L << 20), o);
    }

    @Test
    void mistakesNameTheFlag() {
        assertMessage("--out is required", "--train", "t");
        assertMessage("unknown argument '--trian'", "--trian", "t", "--out", "o");
        assertMessage("--jpeg-quality must be in [1, 100], found 0", "--train", "t", "--out", "o",
                "--jpeg-quality", "0");
        assertMessage("--shorter-side must be an integer, found 'big'", "--train", "t", "--out", "o",
                "--shorter-side", "big");
        assertMessage("--val-labels l given without --val", "--train", "t", "--out", "o", "--val-labels", "l");
        assertMessage("--layout must be imagenet or folder, found 'flat'", "--train", "t", "--out", "o",
                "--layout", "flat");
        assertMessage("--out needs a value", "--train", "t", "--out");
    }

    private static void assertMessage(String expected, String... args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PrepareImagenetCommand.parse(args));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
        assertTrue(e.getMessage().contains("usage: prepare-imagenet"), e.getMessage());
    }
}
