package dev.bigbatch.jobs.checkpoint;

import dev.bigbatch.optimizer.state.OptimizerState;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything needed to continue a run exactly where it stopped: the flat parameter vector, the optimizer's state,
 * the step and epoch counters, the sampler's position and random-generator state, and the fingerprint of the config
 * it was trained with. Plain data, written and read back bit for bit by {@link CheckpointStore}.
 *
 * @param step           optimizer steps completed (the next step to take is {@code step + 1})
 * @param epoch          the epoch counter at that step (the loop decides whether it counts completed epochs or the
 *                       current one; it is stored as given)
 * @param parameters     the model's flat parameter vector (float32 or float64)
 * @param optimizerState the optimizer's state ({@code Optimizer} state as written by {@code OptimizerStateCodec})
 * @param sampling       the sampler's and RNGs' state as named longs (seeds, permutation index, cursor, ...); kept
 *                       sorted by name
 * @param config         the fingerprint of the config the run was trained with
 * @param batchNormStatistics not needed to continue: the batch-norm running statistics recalibrated at the weights the
 *                       checkpoint evaluates and exports ({@code train.batch-norm-recalibration}), the values of the
 *                       {@code NORM_STATISTIC} segments concatenated in flat order; null when the run evaluates its
 *                       stored parameters as they are
 */
public record Checkpoint(long step, long epoch, INDArray parameters, OptimizerState optimizerState,
                         Map<String, Long> sampling, ConfigFingerprint config, INDArray batchNormStatistics) {

    /** A checkpoint without recalibrated batch-norm statistics. */
    public Checkpoint(long step, long epoch, INDArray parameters, OptimizerState optimizerState,
                      Map<String, Long> sampling, ConfigFingerprint config) {
        this(step, epoch, parameters, optimizerState, sampling, config, null);
    }

    public Checkpoint {
        if (step < 0) {
            throw new IllegalArgumentException("checkpoint step must be >= 0, was " + step);
        }
        if (epoch < 0) {
            throw new IllegalArgumentException("checkpoint epoch must be >= 0, was " + epoch);
        }
        Objects.requireNonNull(parameters, "parameters");
        if (parameters.dataType() != DataType.FLOAT && parameters.dataType() != DataType.DOUBLE) {
            throw new IllegalArgumentException("checkpoint parameters must be FLOAT or DOUBLE, were "
                    + parameters.dataType());
        }
        Objects.requireNonNull(optimizerState, "optimizerState");
        Objects.requireNonNull(config, "config");
        TreeMap<String, Long> s = new TreeMap<>();
        for (Map.Entry<String, Long> e : Objects.requireNonNull(sampling, "sampling").entrySet()) {
            if (e.getKey() == null || e.getKey().isBlank() || e.getValue() == null) {
                throw new IllegalArgumentException("sampling state needs non-blank names and non-null values: " + e);
            }
            s.put(e.getKey(), e.getValue());
        }
        sampling = Collections.unmodifiableSortedMap(s);
    }

    /** The sampling value {@code name}. */
    public long samplingValue(String name) {
        Long v = sampling.get(name);
        if (v == null) {
            throw new IllegalArgumentException("checkpoint at step " + step + " has no sampling value '" + name
                    + "'; it has " + sampling.keySet());
        }
        return v;
    }
}
