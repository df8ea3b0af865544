package dev.bigbatch.jobs.train;

import dev.bigbatch.optimizer.stats.StepRequest;

import java.io.Serializable;

/**
 * One step's broadcast: the parameters to compute at, which examples form the step (ghost batch after ghost batch),
 * and what the optimizer wants computed beside the gradient. Destroyed once the step is aggregated.
 *
 * @param step    global step index
 * @param epoch   its epoch
 * @param ids     the step's example ids, ghost batch j at positions [j·g, (j+1)·g)
 * @param params  flat parameters (ParameterLayout order)
 * @param request extra statistics wanted
 */
public record StepPlan(long step, int epoch, long[] ids, float[] params, StepRequest request) implements Serializable {
    public int ghostCount(int ghostSize) {
        return ids.length / ghostSize;
    }
}
