package dev.bigbatch.optimizer.kfac;

import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.TrainingShape;
import dev.bigbatch.optimizer.UpdateRuleOptimizer;
import dev.bigbatch.optimizer.state.OptimizerState;
import dev.bigbatch.optimizer.stats.StepRequest;
import dev.bigbatch.optimizer.stats.StepSums;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * K-FAC: Kronecker-factored approximate natural gradient (Martens &amp; Grosse 2015, "Optimizing Neural Networks with
 * Kronecker-factored Approximate Curvature"; convolutions per Grosse &amp; Martens 2016, "A Kronecker-factored
 * approximate Fisher matrix for convolution layers"), distributed as in Ba, Grosse &amp; Martens 2017,
 * "Distributed Second-Order Optimization using Kronecker-Factored Approximations".
 *
 * <p>Each dense or 2-D convolution layer ℓ has a Fisher block F_ℓ ≈ A_ℓ ⊗ G_ℓ, with A = E[ā āᵀ] over the layer's
 * inputs (1 appended for a bias) and G = E[g gᵀ] over the loss gradients w.r.t. its pre-activations (see
 * {@link CurvatureBlock} for the convolution scaling). One step t with mean gradient ḡ and learning rate η_t:
 * <ol>
 *   <li>batch-norm running statistics take their mean delta; ḡ is clipped by global norm; L2 decay λ_wd w is added
 *       (the shared step of {@link UpdateRuleOptimizer}, which K-FAC extends with its rule);</li>
 *   <li>if t is a multiple of T_cov, the executors' factor sums ({@link KroneckerFactorStatistic}), divided by the
 *       example count, enter each block's moving averages ({@link KroneckerFactors#updateAverages});</li>
 *   <li>if t is a multiple of T_inv, the averages are re-decomposed through the {@link FactorInverter}
 *       ({@link EigenRefresh});</li>
 *   <li>V_ℓ = (A_ℓ ⊗ G_ℓ + λ)⁻¹ ∇_ℓ per block ({@link DampingMode}); parameters of layers without a block, or whose
 *       block has no inverse yet, keep d = ḡ (the first-order update);</li>
 *   <li>KL clipping (Ba et al. 2017): V_ℓ ← ν V_ℓ with ν = min(1, √(κ / (η_t² Σ_ℓ ⟨V_ℓ, ∇_ℓ⟩))), i.e. the update's
 *       squared Fisher norm is at most κ. The sum runs over the Kronecker blocks only, and only they are scaled: the
 *       first-order layers have no Fisher block to measure them with;</li>
 *   <li>momentum and the step: u ← μ u + d, w ← w − η_t u (− η_t λ_wd w if decay is decoupled).</li>
 * </ol>
 * Not implemented from Martens &amp; Grosse 2015: Levenberg–Marquardt adaptation of λ (§6.5) and the
 * quadratic-model choice of step size and momentum (§7); λ and η are fixed or scheduled instead.
 */
public final class KfacOptimizer extends UpdateRuleOptimizer {
    private static final Logger LOG = LoggerFactory.getLogger(KfacOptimizer.class);

    private final KfacConfig config;
    private final Map<BlockId, KroneckerFactors> blocks = new LinkedHashMap<>();
    private FactorInverter inverter;
    private INDArray velocity;
    private boolean coverageLogged;

    public KfacOptimizer(KfacConfig config, ParameterLayout layout, TrainingShape shape) {
        super(layout, config.common().schedule().create(shape), config.common().weightDecay(),
                config.common().clipNorm());
        this.config = config;
        this.inverter = config.inverseOn() == InverseLocation.DRIVER ? FactorInverter.ON_DRIVER : null;
    }

    /** Installs where the eigendecompositions run; the training loop's distributed inverter, or a test's. */
    public void useInverter(FactorInverter inverter) {
        this.inverter = inverter;
    }

    @Override
    public String name() {
        return KfacConfig.NAME;
    }

    public KfacConfig config() {
        return config;
    }

    @Override
    public StepRequest request() {
        if (step % config.covUpdateEvery() != 0) {
            return StepRequest.gradientOnly();
        }
        return new StepRequest(List.of(new KroneckerFactorStatistic(config.fisher())));
    }

    /** Steps 2 and 3: the factor averages on T_cov steps, the eigendecompositions on T_inv steps. */
    @Override
    protected void beforeUpdate(StepSums sums) {
        if (step % config.covUpdateEvery() == 0) {
            updateFactors(sums);
        }
        if (step % config.inverseUpdateEvery() == 0) {
            if (inverter == null) {
                throw new IllegalStateException("optimizer.inverse-on = executors, but no distributed FactorInverter "
                        + "was installed (KfacOptimizer.useInverter); the training loop must install one");
            }
            EigenRefresh.run(blocks.values(), inverter, config.damping(), step);
        }
    }

    /**
     * Steps 4 to 6 without the decoupled decay (added by the base class): η_t u with u ← μ u + d. Entries of
     * batch-norm statistics are zero in ḡ (the base class moved them into the weights) and no block covers them, so
     * they are zero in d and u.
     */
    @Override
    protected INDArray update(INDArray g, double lr, long t) {
        INDArray direction = precondition(g, lr);
        if (config.momentum() > 0) {
            // direction is g, the base class's reused buffer: the velocity must not alias it
            velocity = velocity == null ? direction.dup() : velocity.muli(config.momentum()).addi(direction);
            return g.assign(velocity).muli(lr);
        }
        return direction.muli(lr);
    }

    /**
     * d, in place of ḡ: each block that has an inverse is replaced by its KL-clipped preconditioned gradient. Every
     * block is preconditioned (from ḡ) before any is written back, so g can hold the result.
     */
    private INDArray precondition(INDArray g, double lr) {
        INDArray direction = g;
        List<KroneckerFactors> done = new ArrayList<>();
        List<INDArray> preconditioned = new ArrayList<>();
        double fisherNorm = 0;
        for (KroneckerFactors b : blocks.values()) {
            if (!b.hasEigen()) {
                continue;
            }
            INDArray grad = b.gradientMatrix(g);
            INDArray v = b.precondition(grad, config.damping(), config.dampingMode());
            double vg = v.mul(grad).sumNumber().doubleValue();
            if (!Double.isFinite(vg)) {
                LOG.warn("K-FAC step {}: preconditioned gradient of {} is not finite; it takes the first-order update",
                        step, b.id());
                continue;
            }
            done.add(b);
            preconditioned.add(v);
            fisherNorm += vg;
        }
        double nu = 1.0;
        if (config.klClip() > 0 && fisherNorm > 0) {
            nu = Math.min(1.0, Math.sqrt(config.klClip() / (lr * lr * fisherNorm)));
        }
        for (int i = 0; i < done.size(); i++) {
            done.get(i).scatter(preconditioned.get(i).muli(nu), direction);
        }
        return direction;
    }

    private void updateFactors(StepSums sums) {
        float[] count = sums.extraSum(BlockId.COUNT_KEY);
        if (count == null || count.length != 1 || !(count[0] > 0)) {
            throw new IllegalStateException("K-FAC step " + step + " asked executors for Kronecker factors, but the "
                    + "aggregated sums hold none; the training loop must run Optimizer.request() statistics");
        }
        double inverseCount = 1.0 / count[0];
        for (String key : sums.extras().keySet()) {
            BlockId id = BlockId.ofInputKey(key).orElse(null);
            if (id == null) {
                continue;
            }
            float[] gSum = sums.extraSum(id.outputKey());
            if (gSum == null) {
                throw new IllegalStateException("K-FAC step " + step + ": factor " + key + " arrived without "
                        + id.outputKey());
            }
            INDArray aMean = PackedSymmetric.unpack(sums.extraSum(key), inverseCount);
            INDArray gMean = PackedSymmetric.unpack(gSum, inverseCount);
            KroneckerFactors b = blocks.get(id);
            if (b == null) {
                b = KroneckerFactors.create(id, layout, aMean.rows(), gMean.rows());
                blocks.put(id, b);
            }
            if (!b.updateAverages(aMean, gMean, config.factorDecay())) {
                LOG.warn("K-FAC step {}: the factor estimate of {} holds NaN or Inf; this update is skipped", step, id);
            }
        }
        logCoverage();
    }

    /** Lists, once, the trainable layers without a Kronecker block: they take the first-order update. */
    private void logCoverage() {
        if (coverageLogged) {
            return;
        }
        coverageLogged = true;
        Set<String> covered = new TreeSet<>();
        blocks.keySet().forEach(id -> covered.add(id.layer()));
        Set<String> uncovered = new TreeSet<>();
        for (ParameterLayout.Segment s : layout.segments()) {
            if (s.role().trainable() && !covered.contains(s.layerName())) {
                uncovered.add(s.layerName());
            }
        }
        LOG.info("K-FAC: Kronecker blocks for {} layers {}; first-order (momentum) update for {} layers {}",
                covered.size(), covered, uncovered.size(), uncovered);
    }

    @Override
    protected void saveRuleState(OptimizerState s) {
        if (velocity != null) {
            s.put("velocity", velocity);
        }
        blocks.values().forEach(b -> b.save(s));
    }

    @Override
    protected void restoreRuleState(OptimizerState state) {
        velocity = state.hasArray("velocity") ? state.array("velocity") : null;
        blocks.clear();
        for (String name : state.arrays().keySet()) {
            BlockId.ofInputKey(name).ifPresent(id -> blocks.put(id, KroneckerFactors.restore(id, layout, state)));
        }
    }
}
