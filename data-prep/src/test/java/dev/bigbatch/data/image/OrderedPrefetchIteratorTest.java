package dev.bigbatch.data.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class OrderedPrefetchIteratorTest {

    /** A deterministic function of the element that takes a random, element-dependent time. */
    private static final Function<Integer, Long> SLOW_HASH = i -> {
        sleepMillis(new SplittableRandom(i).nextInt(3));
        return new SplittableRandom(1000L + i).nextLong();
    };

    @Test
    void resultsComeInSourceOrderAndEqualTheSerialMap() {
        List<Integer> source = IntStream.range(0, 200).boxed().toList();
        List<Long> serial = source.stream().map(SLOW_HASH).toList();
        for (int threads : new int[] {1, 3, 4}) {
            try (OrderedPrefetchIterator<Integer, Long> it =
                         new OrderedPrefetchIterator<>(source.iterator(), SLOW_HASH, threads, 8, "test")) {
                List<Long> out = new ArrayList<>();
                it.forEachRemaining(out::add);
                assertEquals(serial, out, threads + " threads");
                assertFalse(it.hasNext(), "stays exhausted");
            }
        }
    }

    @Test
    void neverPullsMoreThanCapacityAheadOfTheConsumer() {
        AtomicInteger pulled = new AtomicInteger();
        Iterator<Integer> counting = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return pulled.get() < 100;
            }

            @Override
            public Integer next() {
                return pulled.getAndIncrement();
            }
        };
        int capacity = 5;
        try (OrderedPrefetchIterator<Integer, Integer> it =
                     new OrderedPrefetchIterator<>(counting, i -> i, 2, capacity, "test")) {
            int consumed = 0;
            while (it.hasNext()) {
                assertTrue(pulled.get() - consumed <= capacity, pulled.get() + " pulled, " + consumed + " consumed");
                assertEquals(consumed, it.next());
                consumed++;
                assertTrue(it.pending() <= capacity);
            }
            assertEquals(100, consumed);
        }
    }

    @Test
    void workerFailureSurfacesAtItsElementAndClosesTheIterator() {
        IllegalStateException boom = new IllegalStateException("record 7 is broken");
        Function<Integer, Integer> failAtSeven = i -> {
            if (i == 7) {
                throw boom;
            }
            return i * 10;
        };
        OrderedPrefetchIterator<Integer, Integer> it = new OrderedPrefetchIterator<>(
                IntStream.range(0, 50).boxed().iterator(), failAtSeven, 3, 6, "test");
        for (int i = 0; i < 7; i++) {
            assertEquals(i * 10, it.next());
        }
        IllegalStateException thrown = assertThrows(IllegalStateException.class, it::next);
        assertSame(boom, thrown);
        assertTrue(thrown.getSuppressed().length > 0, "consumer stack attached");
        assertThrows(IllegalStateException.class, it::hasNext);
        it.close(); // idempotent
    }

    @Test
    void closeStopsBusyWorkersAndTheirThreads() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(2);
        Function<Integer, Integer> blockForever = i -> {
            started.countDown();
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return i;
        };
        OrderedPrefetchIterator<Integer, Integer> it = new OrderedPrefetchIterator<>(
                IntStream.range(0, 10).boxed().iterator(), blockForever, 2, 4, "closing-test");
        assertTrue(it.hasNext());
        started.await();
        it.close();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("closing-test-")) {
                t.join(5000);
                assertFalse(t.isAlive(), t.getName() + " still running after close");
            }
        }
    }

    @Test
    void invalidSizesAreRejected() {
        Iterator<Integer> empty = List.<Integer>of().iterator();
        assertThrows(IllegalArgumentException.class, () -> new OrderedPrefetchIterator<>(empty, i -> i, 0, 4, "t"));
        assertThrows(IllegalArgumentException.class, () -> new OrderedPrefetchIterator<>(empty, i -> i, 4, 2, "t"));
    }

    private static void sleepMillis(int ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
