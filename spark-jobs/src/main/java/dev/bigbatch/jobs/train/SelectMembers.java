package dev.bigbatch.jobs.train;

import dev.bigbatch.jobs.data.ExampleBlock;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import scala.Tuple2;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Executor side, first stage of a step: finds which of this partition's cached examples belong to the step and
 * emits them keyed by ghost batch.
 */
final class SelectMembers implements PairFlatMapFunction<ExampleBlock, Integer, GhostMember> {
    private final Broadcast<StepPlan> plan;
    private final int ghostSize;

    SelectMembers(Broadcast<StepPlan> plan, int ghostSize) {
        this.plan = plan;
        this.ghostSize = ghostSize;
    }

    @Override
    public Iterator<Tuple2<Integer, GhostMember>> call(ExampleBlock block) {
        long[] ids = plan.value().ids();
        List<Tuple2<Integer, GhostMember>> out = new ArrayList<>();
        for (int pos = 0; pos < ids.length; pos++) {
            int i = block.indexOf(ids[pos]);
            if (i >= 0) {
                out.add(new Tuple2<>(pos / ghostSize, new GhostMember(pos, ids[pos], block.label(i), block.image(i))));
            }
        }
        return out.iterator();
    }
}
