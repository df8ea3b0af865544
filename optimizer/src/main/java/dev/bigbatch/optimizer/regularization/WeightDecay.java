package dev.bigbatch.optimizer.regularization;

import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.ParameterRole;
import dev.bigbatch.optimizer.config.ConfigReader;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.pairwise.arithmetic.Axpy;
import org.nd4j.linalg.factory.Nd4j;

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
    /** The largest λ accepted: published values are 1e-4 to 5e-4 (ResNets), up to 0.1 (AdamW); above 1 is a typo. */
    public static final double MAX_COEFFICIENT = 1.0;
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
        double c = r.decimal("weight-decay", DEFAULT_COEFFICIENT, 0, MAX_COEFFICIENT);
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

    /** Whether parameters of {@code role} are decayed. */
    public boolean decays(ParameterRole role) {
        return !exclude.contains(role);
    }

    /** The parts of {@code layout}'s flat vector that are decayed, merged into the fewest ranges. */
    public List<ParameterLayout.Range> decayedRanges(ParameterLayout layout) {
        return layout.ranges(this::decays);
    }

    /** In l2 mode, g ← g + λw on the decayed ranges of the flat vectors, in place; other entries are left alone. */
    public void addToGradient(INDArray gradient, INDArray params, List<ParameterLayout.Range> decayed) {
        if (enabled() && mode.equals("l2")) {
            addScaled(gradient, coefficient, params, decayed);
        }
    }

    /**
     * In decoupled mode, Δ ← Δ + ηλw on the decayed ranges, in place, for the step w ← w − Δ: {@code params} must be
     * the weights before the step (Loshchilov &amp; Hutter decay w_{t−1}).
     */
    public void addDecoupled(INDArray delta, INDArray params, List<ParameterLayout.Range> decayed,
                             double learningRate) {
        if (enabled() && mode.equals("decoupled")) {
            addScaled(delta, coefficient * learningRate, params, decayed);
        }
    }

    /**
     * y ← y + αx on each range of the flat vectors, in place, through views: no temporary, unlike
     * {@code y.addi(x.mul(α))}. ND4J's pairwise {@link Axpy} op (z = αx + y) is used rather than BLAS axpy because
     * it rounds as that expression does, the product (α cast to the arrays' type) then the sum; OpenBLAS's axpy fuses
     * the multiply-add on FMA hardware (one rounding), which changes the last bit of about 2% of the entries.
     */
    public static void addScaled(INDArray y, double alpha, INDArray x, List<ParameterLayout.Range> ranges) {
        for (ParameterLayout.Range r : ranges) {
            INDArray yr = y.get(r.index());
            Nd4j.exec(new Axpy(x.get(r.index()), yr, yr, alpha));
        }
    }
}
