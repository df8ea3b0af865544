package dev.bigbatch.jobs.train;

import dev.bigbatch.jobs.data.ExampleBlock;
import dev.bigbatch.jobs.data.ExampleRecord;
import dev.bigbatch.jobs.exit.DataError;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Evaluation batches decoded ahead on background threads are the inline bits, in order, and the threads end. */
class EvalDecodingTest {
    static final int LEN = 3 * 8 * 8;

    static ExampleBlock block(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<ExampleRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] img = new byte[LEN];
            rng.nextBytes(img);
            records.add(new ExampleRecord(1000L + i, i % GhostDecodingTest.CLASSES, img));
        }
        return ExampleBlock.of(records.iterator(), "test records");
    }

    static List<float[]> decodeAll(RunSpec run, ExampleBlock block, int batch) {
        List<float[]> out = new ArrayList<>();
        try (EvalDecoding d = new EvalDecoding(run, block, batch, "test-decode")) {
            int expectedStart = 0;
            while (d.hasNext()) {
                assertEquals(expectedStart, d.nextStart());
                int n = d.nextSize();
                float[] x = d.next();
                assertEquals(n * LEN, x.length);
                out.add(x);
                expectedStart += n;
            }
            assertEquals(block.size(), expectedStart);
        }
        return out;
    }

    @Test
    void backgroundDecodingGivesTheInlineBitsInOrder() {
        ExampleBlock block = block(11, 3); // batches of 4, 4, 3
        List<float[]> inline = decodeAll(GhostDecodingTest.run(0), block, 4);
        assertEquals(3, inline.size());
        for (int threads : new int[]{1, 2, 7}) {
            List<float[]> ahead = decodeAll(GhostDecodingTest.run(threads), block, 4);
            assertEquals(inline.size(), ahead.size());
            for (int j = 0; j < inline.size(); j++) {
                assertArrayEquals(inline.get(j), ahead.get(j), threads + " threads, batch " + j);
            }
        }
        // evaluation never augments: a run spec with augmentation on decodes every image as unaugmented
        for (int i = 0; i < block.size(); i++) {
            float[] plain = new float[LEN];
            GhostDecodingTest.run(0).decoder().decode(block.image(i), false, 0L, plain, 0);
            float[] batch = inline.get(i / 4);
            assertArrayEquals(plain, java.util.Arrays.copyOfRange(batch, (i % 4) * LEN, (i % 4 + 1) * LEN), "example " + i);
        }
        assertEquals(0, GhostDecodingTest.liveDecodeThreads(), "threads end when decoding is done");
    }

    @Test
    void decodingRunsOnTheBackgroundThreadsOrInline() {
        for (int threads : new int[]{0, 2}) {
            java.util.Set<String> where = java.util.concurrent.ConcurrentHashMap.newKeySet();
            RunSpec run = new RunSpec(GhostDecodingTest.NET, new GhostDecodingTest.RecordingDecoder(where), 9, true,
                    GhostDecodingTest.G, threads);
            decodeAll(run, block(6, 4), 4);
            GhostDecodingTest.assertDecodedOn(threads, where);
        }
    }

    @Test
    void anUndecodableImageNamesItsExampleAndStopsTheThreads() {
        ExampleBlock good = block(9, 5);
        List<ExampleRecord> records = new ArrayList<>();
        for (int i = 0; i < good.size(); i++) {
            records.add(new ExampleRecord(good.id(i), good.label(i), i == 6 ? new byte[0] : good.image(i)));
        }
        ExampleBlock bad = ExampleBlock.of(records.iterator(), "test records");
        for (int threads : new int[]{0, 3}) {
            RunSpec run = new RunSpec(GhostDecodingTest.NET, new GhostDecodingTest.RejectEmpty(), 9, false,
                    GhostDecodingTest.G, threads);
            try (EvalDecoding d = new EvalDecoding(run, bad, 4, "test-decode")) {
                d.next();
                DataError e = assertThrows(DataError.class, d::next);
                assertTrue(e.getMessage().contains("example id " + good.id(6)) && e.getMessage().contains("empty"),
                        e.getMessage());
            }
            assertEquals(0, GhostDecodingTest.liveDecodeThreads(), threads + " threads");
        }
    }

    @Test
    void anEmptyBlockHasNoBatches() {
        assertEquals(List.of(), decodeAll(GhostDecodingTest.run(2), block(0, 1), 4));
    }
}
