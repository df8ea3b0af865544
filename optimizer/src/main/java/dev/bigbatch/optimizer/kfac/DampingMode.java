package dev.bigbatch.optimizer.kfac;

import java.util.Arrays;
import java.util.List;

/**
 * How damping λ enters the inverse of a block A ⊗ G, with A = Q_A diag(s_A) Q_Aᵀ and G = Q_G diag(s_G) Q_Gᵀ
 * ({@code optimizer.damping-mode}); in both, V = Q_G [(Q_Gᵀ ∇W Q_A) ⊘ D] Q_Aᵀ with
 * <ul>
 *   <li>{@link #TIKHONOV_EIGEN}: D = s_G s_Aᵀ + λ, the exact inverse of A ⊗ G + λI, which the eigendecompositions
 *       make as cheap as the factored form (Martens &amp; Grosse 2015, §6.3, discuss it as the exact alternative to
 *       factored damping);</li>
 *   <li>{@link #PI_FACTORED}: D = (s_G + √λ/π)(s_A + π√λ)ᵀ, the inverse of the factored Tikhonov approximation
 *       (A + π√λ I) ⊗ (G + √λ/π I) with π = √((tr A / dim A) / (tr G / dim G)) (Martens &amp; Grosse 2015, §6.3).</li>
 * </ul>
 */
public enum DampingMode {
    TIKHONOV_EIGEN("tikhonov-eigen"),
    PI_FACTORED("pi-factored");

    private final String configName;

    DampingMode(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    public static List<String> configNames() {
        return Arrays.stream(values()).map(DampingMode::configName).toList();
    }

    public static DampingMode of(String configName) {
        return Arrays.stream(values()).filter(v -> v.configName.equals(configName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown damping mode '" + configName + "'"));
    }
}
