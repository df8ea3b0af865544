package dev.bigbatch.jobs.cli;

import dev.bigbatch.data.imagenet.ImagenetPreparationOptions;
import dev.bigbatch.jobs.exit.ExitCode;
import dev.bigbatch.optimizer.config.ConfigError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.bigbatch.jobs.cli.MainTest.main;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code prepare-imagenet}'s options: defaults, every option, and each mistake named before Spark starts. */
class PrepareImagenetCommandTest {
    private static final PrepareImagenetCommand COMMAND = new PrepareImagenetCommand();

    @TempDir
    Path dir;

    private static ImagenetPreparationOptions parse(String... args) {
        return PrepareImagenetCommand.options(Arguments.parse(COMMAND.name(), List.of(args), COMMAND.valuedOptions(),
                COMMAND.flags()));
    }

    @Test
    void defaultsApplyWhenOnlyTrainAndOutAreGiven() {
        ImagenetPreparationOptions o = parse("--train", "hdfs:///t.tar", "--out", "hdfs:///out");
        assertEquals("hdfs:///t.tar", o.train());
        assertEquals("hdfs:///out", o.out());
        assertNull(o.val());
        assertNull(o.valLabels());
        assertNull(o.meta());
        assertNull(o.synsetWords());
        assertEquals(ImagenetPreparationOptions.DEFAULT_SHORTER_SIDE, o.shorterSide());
        assertEquals(ImagenetPreparationOptions.DEFAULT_JPEG_QUALITY, o.jpegQuality());
        assertEquals(ImagenetPreparationOptions.DEFAULT_MAX_BAD_FRACTION, o.maxBadFraction());
        assertEquals(ImagenetPreparationOptions.DEFAULT_TARGET_SHARD_BYTES, o.targetShardBytes());
        assertEquals(ImagenetPreparationOptions.Layout.IMAGENET, o.layout());
    }

    @Test
    void everyOptionIsParsed() {
        ImagenetPreparationOptions o = parse("--train", "t", "--val", "v", "--val-labels", "l.csv", "--out", "o",
                "--meta", "m.mat", "--synset-words", "w.txt", "--layout", "FOLDER", "--shorter-side", "0",
                "--jpeg-quality", "85", "--max-bad-fraction", "0.05", "--shard-mb", "64", "--master", "local[1]");
        assertEquals(new ImagenetPreparationOptions("t", "v", "l.csv", "m.mat", "w.txt", "o",
                ImagenetPreparationOptions.Layout.FOLDER, 0, 85, 0.05, 64L << 20), o);
    }

    @Test
    void eachMistakeNamesItsOption() {
        assertMistake("--out", "is required for 'prepare-imagenet'", "--train", "t");
        assertMistake("--train", "is empty", "--train", " ", "--out", "o");
        assertMistake("--jpeg-quality", "must be in [1, 100], found 0", "--train", "t", "--out", "o",
                "--jpeg-quality", "0");
        assertMistake("--shorter-side", "must be a whole number, found 'big'", "--train", "t", "--out", "o",
                "--shorter-side", "big");
        assertMistake("--shorter-side", "must be at least 0, found -1", "--train", "t", "--out", "o",
                "--shorter-side", "-1");
        assertMistake("--max-bad-fraction", "must be in [0.0, 1.0], found 1.5", "--train", "t", "--out", "o",
                "--max-bad-fraction", "1.5");
        assertMistake("--max-bad-fraction", "must be in [0.0, 1.0], found NaN", "--train", "t", "--out", "o",
                "--max-bad-fraction", "NaN");
        assertMistake("--max-bad-fraction", "must be a number, found 'few'", "--train", "t", "--out", "o",
                "--max-bad-fraction", "few");
        assertMistake("--shard-mb", "must be at least 1, found 0", "--train", "t", "--out", "o", "--shard-mb", "0");
        assertMistake("--val-labels", "given without --val", "--train", "t", "--out", "o", "--val-labels", "l");
        assertMistake("--layout", "must be imagenet or folder, found 'flat'", "--train", "t", "--out", "o",
                "--layout", "flat");
    }

    private static void assertMistake(String option, String message, String... args) {
        ConfigError e = assertThrows(ConfigError.class, () -> parse(args));
        assertEquals(option, e.key());
        assertTrue(e.getMessage().startsWith(option + ": " + message), e.getMessage());
    }

    @Test
    void unknownOptionIsAConfigErrorListingTheOptions() {
        Path out = dir.resolve("never");
        MainTest.Outcome r = main("prepare-imagenet", "--trian", "t", "--out", out.toUri().toString());
        assertEquals(ExitCode.CONFIG_ERROR.code(), r.code(), r.err());
        assertTrue(r.err().contains("--trian: unknown option for 'prepare-imagenet'"), r.err());
        assertTrue(r.err().contains("--shard-mb") && r.err().contains("--val-labels"), "lists the options: " + r.err());
        assertFalse(Files.exists(out), "nothing is written for rejected options");
    }

    @Test
    void missingValueIsAConfigError() {
        MainTest.Outcome r = main("prepare-imagenet", "--train", "t", "--out");
        assertEquals(ExitCode.CONFIG_ERROR.code(), r.code(), r.err());
        assertTrue(r.err().contains("--out: needs a value"), r.err());
        assertTrue(r.err().contains("what to do"), r.err());
    }

    @Test
    void badValueIsAConfigErrorBeforeSparkStarts() {
        Path out = dir.resolve("never");
        MainTest.Outcome r = main("prepare-imagenet", "--train", dir.resolve("t.tar").toString(), "--out", out.toString(),
                "--jpeg-quality", "101");
        assertEquals(ExitCode.CONFIG_ERROR.code(), r.code(), r.err());
        assertTrue(r.err().contains("--jpeg-quality: must be in [1, 100], found 101"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void helpPrintsEveryOptionAndSucceeds() {
        MainTest.Outcome r = main("prepare-imagenet", "--help");
        assertEquals(ExitCode.SUCCESS.code(), r.code(), r.err());
        assertTrue(r.out().startsWith("usage: bigbatch prepare-imagenet "), r.out());
        for (String option : COMMAND.valuedOptions()) {
            assertTrue(r.out().contains(option + " "), option + " missing from " + r.out());
        }
        assertTrue(r.out().contains("(default " + ImagenetPreparationOptions.DEFAULT_JPEG_QUALITY + ")"), r.out());
        assertEquals("", r.err());
    }
}
