package dev.bigbatch.data.image;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * An iterator that applies a function to a source iterator's elements on background threads, keeping at most
 * {@code capacity} results in flight or waiting, and returns them in source order. While the consumer works (e.g. a
 * gradient step), the workers fill the window, so decoding overlaps computation.
 *
 * <p>Order and determinism: results are returned strictly in source order whatever the thread count, so if the
 * function is deterministic (image transforms take their seed from the element) the output is too. The source is
 * read only on the consumer's thread (when the window is topped up inside {@link #hasNext()}/{@link #next()}), so
 * it need not be thread-safe.
 *
 * <p>Errors: an exception thrown by the function for some element is rethrown, unchanged in type and message, by the
 * {@code next()} call that would have returned that element (elements before it are delivered normally); the
 * consumer's stack is attached as a suppressed exception. The iterator then closes itself. {@link #close()} cancels
 * pending work, stops the threads and waits briefly for them; it is idempotent. The threads also end by themselves
 * once the source is exhausted; they are daemons.
 */
public final class OrderedPrefetchIterator<I, O> implements Iterator<O>, AutoCloseable {

    private static final long SHUTDOWN_WAIT_SECONDS = 10;

    private final Iterator<I> source;
    private final Function<? super I, ? extends O> function;
    private final int capacity;
    private final ExecutorService pool;
    private final ArrayDeque<Future<O>> window = new ArrayDeque<>();
    private boolean closed;
    private boolean exhausted;

    /**
     * @param threads    worker threads, at least 1
     * @param capacity   maximum results in flight or waiting, at least {@code threads}
     * @param threadName prefix of the worker threads' names
     */
    public OrderedPrefetchIterator(Iterator<I> source, Function<? super I, ? extends O> function, int threads,
                                   int capacity, String threadName) {
        if (threads < 1 || capacity < threads) {
            throw new IllegalArgumentException("need 1 <= threads <= capacity, found threads " + threads
                    + ", capacity " + capacity);
        }
        this.source = source;
        this.function = function;
        this.capacity = capacity;
        this.pool = Executors.newFixedThreadPool(threads, daemonThreads(threadName));
    }

    @Override
    public boolean hasNext() {
        if (exhausted) {
            return false;
        }
        checkOpen();
        topUp();
        if (window.isEmpty()) {
            exhausted = true;
            pool.shutdown(); // nothing left to compute: let the threads go without waiting for close()
            return false;
        }
        return true;
    }

    @Override
    public O next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Future<O> head = window.poll();
        O result = await(head);
        topUp();
        return result;
    }

    /** Results computed or being computed and not yet returned. */
    public int pending() {
        return window.size();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Future<O> f : window) {
            f.cancel(true);
        }
        window.clear();
        pool.shutdownNow();
        try {
            pool.awaitTermination(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void topUp() {
        while (window.size() < capacity && source.hasNext()) {
            I element = source.next();
            window.add(pool.submit(() -> function.apply(element)));
        }
    }

    private O await(Future<O> future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a prefetched element", e);
        } catch (CancellationException e) {
            close();
            throw new IllegalStateException("prefetch was cancelled", e);
        } catch (ExecutionException e) {
            close();
            Throwable cause = e.getCause();
            cause.addSuppressed(new Exception("rethrown on the consuming thread " + Thread.currentThread().getName()));
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause.getMessage(), cause);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("prefetch iterator is closed");
        }
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
