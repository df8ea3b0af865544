package dev.bigbatch.optimizer.regularization;

import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.ParameterRole;
import dev.bigbatch.optimizer.config.ConfigReader;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Weight decay, kept apart from the update rules (MLlib's LBFGS had to reverse-engineer it out of its updater).
 *
 * <ul>
 *   <li>{@code l2}: adds λw to the gradient before the rule (the gradient of (λ/2)‖w‖²), so adaptive rules rescale it;</li>
 *   <li>{@code decoupled}: after the rule, w ← w − η_t λ w (Loshchilov &amp; Hutter 2019, "Decoupled Weight Decay
 *       Regularization", Algorithm 2 line 12, with the schedule multiplier folded into η_t).</li>
 * </ul>
 * Applied only to roles not in {@code exclude}; by default biases and batch-norm parameters are excluded
 * (Goyal et al. 2017 decay them too; most ResNet recipes since do not).
 *
 * @param coefficient λ (0 turns decay off)
 * @param mode        {@code l2} or {@code decoupled}
 * @param exclude     roles never decayed; {@link ParameterRole#NORM_STATISTIC} is always excluded
 */
public record WeightDecay(double coefficient, String mode, Set<ParameterRole> exclude) {
    public static final double DEFAULT_COEFFICIENT = 0.0;
    public static final String DEFAULT_MODE = "l2";
    public static final List<String> MODES = List.of("l2", "decoupled");
    /** Names for {@code optimizer.weight-decay-exclude}: {@code bias}, {@code norm}. */
    public static final List<String> EXCLUDABLE = List.of("bias", "norm");
    public static final List<String> DEFAULT_EXCLUDE = List.of("bias", "norm");

    public WeightDecay {
        EnumSet<ParameterRole> ex = EnumSet.of(ParameterRole.NORM_STATISTIC);
        ex.addAll(exclude);
        exclude = Set.copyOf(ex);
    }

    public static WeightDecay none() {
        return new WeightDecay(0, DEFAULT_MODE, Set.of());
    }

    /** Reads {@code weight-decay}, {@code weight-decay-mode}, {@code weight-decay-exclude} from an optimizer section. */
    public static WeightDecay read(ConfigReader r) {
        double c = r.decimal("weight-decay", DEFAULT_COEFFICIENT, 0, 1);
        String mode = r.oneOf("weight-decay-mode", DEFAULT_MODE, MODES);
        List<String> names = r.stringList("weight-decay-exclude", DEFAULT_EXCLUDE);
        EnumSet<ParameterRole> ex = EnumSet.noneOf(ParameterRole.class);
        for (String n : names) {
            switch (n) {
                case "bias" -> ex.add(ParameterRole.BIAS);
                case "norm" -> {
                    ex.add(ParameterRole.NORM_SCALE);
                    ex.add(ParameterRole.NORM_SHIFT);
                }
                default -> throw new dev.bigbatch.optimizer.config.ConfigError(r.fullKey("weight-decay-exclude"),
                        "'" + n + "' is not allowed; allowed values: " + String.join(", ", EXCLUDABLE));
            }
        }
        return new WeightDecay(c, mode, ex);
    }

    public boolean enabled() {
        return coefficient > 0;
    }

    /** 1 where decay applies, else 0, in {@code params}' data type. */
    public INDArray mask(ParameterLayout layout, org.nd4j.linalg.api.buffer.DataType type) {
        return layout.mask(role -> !exclude.contains(role), type);
    }

    /** In l2 mode, adds λ·mask·w to {@code gradient}. */
    public void addToGradient(INDArray gradient, INDArray params, INDArray mask) {
        if (enabled() && mode.equals("l2")) {
            gradient.addi(params.mul(mask).muli(coefficient));
        }
    }

    /** In decoupled mode, the term η·λ·mask·w to subtract from the weights, computed from the weights before the step. */
    public INDArray decoupledTerm(INDArray params, INDArray mask, double learningRate) {
        if (enabled() && mode.equals("decoupled")) {
            return params.mul(mask).muli(coefficient * learningRate);
        }
        return null;
    }
}
