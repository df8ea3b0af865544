package dev.bigbatch.jobs.train;

import dev.bigbatch.model.ModelSpec;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Network replicas of this executor JVM, one per concurrently running task, reused across steps: building a
 * network (and its workspaces) happens once per task slot, not once per step.
 */
final class ReplicaPool {
    private static final Map<ModelSpec, Deque<Replica>> IDLE = new HashMap<>();

    private ReplicaPool() {
    }

    static Replica borrow(ModelSpec spec) {
        synchronized (IDLE) {
            Deque<Replica> d = IDLE.get(spec);
            if (d != null && !d.isEmpty()) {
                return d.pop();
            }
        }
        return new Replica(spec);
    }

    static void giveBack(ModelSpec spec, Replica r) {
        synchronized (IDLE) {
            IDLE.computeIfAbsent(spec, k -> new ArrayDeque<>()).push(r);
        }
    }
}
