package dev.bigbatch.jobs.train;

import dev.bigbatch.data.image.ImageDecodeException;
import dev.bigbatch.jobs.TestData;
import dev.bigbatch.jobs.exit.DataError;
import dev.bigbatch.model.ModelFactory;
import dev.bigbatch.model.ModelSpec;
import dev.bigbatch.model.NetworkSpec;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Ghost batches decoded ahead on background threads are the same bits as inline, in order, and the threads end. */
class GhostDecodingTest {
    static final int G = 4;
    static final int CLASSES = 3;
    static final NetworkSpec NET = NetworkSpec.of(ModelFactory.build(new ModelSpec("small-cnn", 2, CLASSES, 3, 8, 8,
            1)), 3, 8, 8);

    static GhostMember[][] members(int ghosts, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        GhostMember[][] m = new GhostMember[ghosts][G];
        for (int j = 0; j < ghosts; j++) {
            for (int k = 0; k < G; k++) {
                byte[] img = new byte[3 * 8 * 8];
                rng.nextBytes(img);
                long id = 100L * j + k;
                m[j][k] = new GhostMember((j + 2) * G + k, id, (int) (id % CLASSES), img);
            }
        }
        return m;
    }

    static RunSpec run(int threads) {
        return new RunSpec(NET, new TestData.FlipDecoder(3, 8, 8), 9, true, G, threads);
    }

    static float[][] decodeAll(int threads, GhostMember[][] members) {
        float[][] out = new float[members.length][];
        try (GhostDecoding d = new GhostDecoding(run(threads), 1, 2, members, "test-decode")) {
            for (int j = 0; j < members.length; j++) {
                GhostBatch b = d.next(2 + j);
                assertEquals(2 + j, b.index());
                assertEquals(members[j][1].id(), b.ids()[1]);
                assertEquals(1f, b.data().getLabels().getFloat(1, members[j][1].label()));
                out[j] = b.data().getFeatures().dup().data().asFloat();
            }
        }
        return out;
    }

    @Test
    void backgroundDecodingGivesTheInlineBitsInOrder() {
        GhostMember[][] m = members(5, 3);
        float[][] inline = decodeAll(0, m);
        for (int threads : new int[]{1, 2, 7}) {
            float[][] ahead = decodeAll(threads, m);
            for (int j = 0; j < m.length; j++) {
                assertArrayEquals(inline[j], ahead[j], threads + " threads, ghost batch " + j);
            }
        }
        // the augmentation is on: flips differ between examples, so equality above is not trivial
        assertFalse(java.util.Arrays.equals(inline[0], GhostBatch.decode(2, m[0], run(0).withDecodeThreads(0), 2)
                .data().getFeatures().dup().data().asFloat()), "another epoch draws other flips");
        assertEquals(0, liveDecodeThreads(), "threads end when decoding is done");
    }

    @Test
    void decodingRunsOnTheBackgroundThreadsOrInline() {
        for (int threads : new int[]{0, 2}) {
            java.util.Set<String> where = java.util.concurrent.ConcurrentHashMap.newKeySet();
            RunSpec run = new RunSpec(NET, new RecordingDecoder(where), 9, true, G, threads);
            try (GhostDecoding d = new GhostDecoding(run, 0, 2, members(3, 6), "test-decode")) {
                for (int j = 2; j < 5; j++) {
                    d.next(j);
                }
            }
            assertDecodedOn(threads, where);
        }
    }

    /** With 0 threads only this thread decoded; otherwise only the "test-decode" background threads did. */
    static void assertDecodedOn(int threads, java.util.Set<String> where) {
        if (threads == 0) {
            assertEquals(java.util.Set.of(Thread.currentThread().getName()), where);
        } else {
            assertFalse(where.isEmpty());
            assertTrue(where.stream().allMatch(n -> n.startsWith("test-decode-")), where.toString());
        }
    }

    @Test
    void ghostBatchesMustBeAskedForInOrder() {
        try (GhostDecoding d = new GhostDecoding(run(2), 0, 2, members(3, 4), "test-decode")) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> d.next(3));
            assertTrue(e.getMessage().contains("the next is 2"), e.getMessage());
        }
        assertEquals(0, liveDecodeThreads());
    }

    @Test
    void anUndecodableImageNamesItsExampleAndStopsTheThreads() {
        GhostMember[][] m = members(3, 5);
        GhostMember bad = m[1][2];
        m[1][2] = new GhostMember(bad.position(), bad.id(), bad.label(), new byte[0]);
        for (int threads : new int[]{0, 3}) {
            RunSpec run = new RunSpec(NET, new RejectEmpty(), 9, true, G, threads);
            try (GhostDecoding d = new GhostDecoding(run, 0, 2, m, "test-decode")) {
                d.next(2);
                DataError e = assertThrows(DataError.class, () -> d.next(3));
                assertTrue(e.getMessage().contains("example id " + bad.id()) && e.getMessage().contains("empty"),
                        e.getMessage());
            }
            assertEquals(0, liveDecodeThreads(), threads + " threads");
        }
    }

    /** Decode threads still alive after close(); a pool reports termination just before its last thread exits. */
    static long liveDecodeThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("test-decode"))
                .filter(t -> {
                    try {
                        t.join(10_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return t.isAlive();
                }).count();
    }

    /** A FlipDecoder(3, 8, 8) whose decoding a subclass wraps. */
    abstract static class WrappedFlip implements dev.bigbatch.jobs.data.ImageDecoder {
        final TestData.FlipDecoder inner = new TestData.FlipDecoder(3, 8, 8);

        @Override
        public int channels() {
            return inner.channels();
        }

        @Override
        public int height() {
            return inner.height();
        }

        @Override
        public int width() {
            return inner.width();
        }
    }

    /** FlipDecoder that records which threads decode. */
    static final class RecordingDecoder extends WrappedFlip {
        private final java.util.Set<String> threads;

        RecordingDecoder(java.util.Set<String> threads) {
            this.threads = threads;
        }

        @Override
        public void decode(byte[] image, boolean train, long seed, float[] out, int offset) {
            threads.add(Thread.currentThread().getName());
            inner.decode(image, train, seed, out, offset);
        }
    }

    /** FlipDecoder that rejects empty images as the JPEG decoder does. */
    static final class RejectEmpty extends WrappedFlip {
        @Override
        public void decode(byte[] image, boolean train, long seed, float[] out, int offset) {
            if (image.length == 0) {
                throw new ImageDecodeException("empty file (0 bytes)");
            }
            inner.decode(image, train, seed, out, offset);
        }
    }
}
