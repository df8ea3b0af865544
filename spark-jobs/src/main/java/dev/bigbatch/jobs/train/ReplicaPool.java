package dev.bigbatch.jobs.train;

import dev.bigbatch.model.NetworkSpec;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Network replicas of this executor JVM, one per concurrently running task, reused across steps: building a
 * network (and its workspaces) happens once per task slot, not once per step.
 */
final class ReplicaPool {
    private static final Map<String, Deque<Replica>> IDLE = new HashMap<>();
    private static final java.util.concurrent.atomic.AtomicLong CREATED = new java.util.concurrent.atomic.AtomicLong();

    private ReplicaPool() {
    }

    static Replica borrow(NetworkSpec spec) {
        synchronized (IDLE) {
            Deque<Replica> d = IDLE.get(spec.configJson());
            if (d != null && !d.isEmpty()) {
                return d.pop();
            }
        }
        CREATED.incrementAndGet();
        return new Replica(spec);
    }

    /** Replicas this JVM has built so far (tests check that steps reuse them). */
    static long created() {
        return CREATED.get();
    }

    static void giveBack(NetworkSpec spec, Replica r) {
        synchronized (IDLE) {
            IDLE.computeIfAbsent(spec.configJson(), k -> new ArrayDeque<>()).push(r);
        }
    }
}
