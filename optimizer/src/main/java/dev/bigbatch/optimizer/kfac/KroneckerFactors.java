package dev.bigbatch.optimizer.kfac;

import dev.bigbatch.optimizer.ParameterLayout;
import dev.bigbatch.optimizer.state.OptimizerState;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The driver's curvature of one Kronecker block: moving averages of its factors A (input side, in×in) and G (output
 * side, out×out), their last good eigendecompositions, and the preconditioned gradient
 * V = Q_G [(Q_Gᵀ ∇W Q_A) ⊘ D] Q_Aᵀ (D per {@link DampingMode}), which solves (A ⊗ G + damping) vec(V) = vec(∇W).
 *
 * <p>∇W is the [out, in] matrix of {@link BlockKind}, read from and written back to the flat vector through the
 * layer's {@code W} and {@code b} segments. Everything here is DOUBLE. State: both averages, the update count, and the
 * eigenvalues and eigenvectors themselves (they cannot be recomputed on restore: the averages have moved on since
 * the last refresh).
 */
final class KroneckerFactors {
    private final BlockId id;
    private final ParameterLayout.Segment weight;
    private final ParameterLayout.Segment bias;
    private final int inDim;
    private final int outDim;
    private INDArray a;
    private INDArray g;
    private long updates;
    private INDArray aValues;
    private INDArray aVectors;
    private INDArray gValues;
    private INDArray gVectors;

    private KroneckerFactors(BlockId id, ParameterLayout.Segment weight, ParameterLayout.Segment bias, int inDim,
                             int outDim) {
        this.id = id;
        this.weight = weight;
        this.bias = bias;
        this.inDim = inDim;
        this.outDim = outDim;
    }

    /** The block of {@code id} over {@code layout}; fails if the layout disagrees with the factor dimensions. */
    static KroneckerFactors create(BlockId id, ParameterLayout layout, int inDim, int outDim) {
        ParameterLayout.Segment w = null;
        ParameterLayout.Segment b = null;
        for (ParameterLayout.Segment s : layout.segments()) {
            if (s.layerName().equals(id.layer())) {
                switch (s.paramKey()) {
                    case "W" -> w = s;
                    case "b" -> b = s;
                    default -> throw new IllegalStateException("K-FAC block " + id + " has an unexpected parameter " + s);
                }
            }
        }
        if (w == null) {
            throw new IllegalStateException("K-FAC factors arrived for " + id + ", but the parameter layout has no W for it");
        }
        long out = id.kind().outputDim(w.shape());
        long in = w.length() / out + (b == null ? 0 : 1);
        if (out != outDim || in != inDim || (b != null && b.length() != out)) {
            throw new IllegalStateException("K-FAC factors of " + id + " are " + inDim + "x" + inDim + " and " + outDim
                    + "x" + outDim + ", but its parameters " + w + (b == null ? "" : ", " + b) + " need " + in
                    + " and " + out + ": executors and driver disagree about the network");
        }
        return new KroneckerFactors(id, w, b, inDim, outDim);
    }

    BlockId id() {
        return id;
    }

    /**
     * Folds one estimate into the moving averages, X ← ε_k X + (1 − ε_k) X̂ with ε_k = min(1 − 1/k, ε) for the k-th
     * update (Martens &amp; Grosse 2015, §5: the first estimate is taken whole, later ones decay). A non-finite
     * estimate is skipped whole (returns false), so one bad step cannot poison the averages.
     */
    boolean updateAverages(INDArray aEstimate, INDArray gEstimate, double maxDecay) {
        if (!allFinite(aEstimate) || !allFinite(gEstimate)) {
            return false;
        }
        updates++;
        double decay = Math.min(1.0 - 1.0 / updates, maxDecay);
        a = a == null ? aEstimate.dup() : a.muli(decay).addi(aEstimate.mul(1 - decay));
        g = g == null ? gEstimate.dup() : g.muli(decay).addi(gEstimate.mul(1 - decay));
        return true;
    }

    /** The averaged factors as work for a {@link FactorInverter}, or null before the first update. */
    FactorMatrix[] factorMatrices(double shift) {
        if (a == null) {
            return null;
        }
        return new FactorMatrix[]{
                new FactorMatrix(id.inputKey(), inDim, a.dup('c').data().asDouble(), shift),
                new FactorMatrix(id.outputKey(), outDim, g.dup('c').data().asDouble(), shift)};
    }

    /** Replaces the eigendecompositions by two successful results. */
    void setEigen(EigenResult forA, EigenResult forG) {
        aValues = Nd4j.createFromArray(forA.eigenvalues());
        aVectors = Nd4j.create(forA.eigenvectors(), new long[]{inDim, inDim}, DataType.DOUBLE);
        gValues = Nd4j.createFromArray(forG.eigenvalues());
        gVectors = Nd4j.create(forG.eigenvectors(), new long[]{outDim, outDim}, DataType.DOUBLE);
    }

    boolean hasEigen() {
        return aValues != null;
    }

    /** This block's gradient as a new DOUBLE [out, in] matrix, bias last. */
    INDArray gradientMatrix(INDArray flat) {
        INDArray w = flat.get(NDArrayIndex.interval(weight.offset(), weight.offset() + weight.length()))
                .castTo(DataType.DOUBLE).dup('c').reshape('c', outDim, weight.length() / outDim);
        if (bias == null) {
            return w;
        }
        INDArray b = flat.get(NDArrayIndex.interval(bias.offset(), bias.offset() + bias.length()))
                .castTo(DataType.DOUBLE).dup('c').reshape('c', outDim, 1);
        return Nd4j.hstack(w, b);
    }

    /** Writes the [out, in] matrix {@code m} into this block's entries of the flat vector {@code flat}. */
    void scatter(INDArray m, INDArray flat) {
        int wCols = (int) (weight.length() / outDim);
        INDArray w = m.get(NDArrayIndex.all(), NDArrayIndex.interval(0, wCols)).dup('c').reshape(weight.length());
        flat.get(NDArrayIndex.interval(weight.offset(), weight.offset() + weight.length())).assign(w);
        if (bias != null) {
            INDArray b = m.getColumn(wCols).dup().reshape(bias.length());
            flat.get(NDArrayIndex.interval(bias.offset(), bias.offset() + bias.length())).assign(b);
        }
    }

    /** V for gradient matrix {@code grad} (DOUBLE [out, in]); requires {@link #hasEigen()}. */
    INDArray precondition(INDArray grad, double damping, DampingMode mode) {
        // The factors are PSD by construction; negative eigenvalues are round-off and are clamped to 0.
        INDArray sA = Transforms.max(aValues, 0.0, true);
        INDArray sG = Transforms.max(gValues, 0.0, true);
        INDArray denominator;
        if (mode == DampingMode.TIKHONOV_EIGEN) {
            denominator = sG.reshape(outDim, 1).mmul(sA.reshape(1, inDim)).addi(damping);
        } else {
            double pi = piCorrection(sA, sG);
            double root = Math.sqrt(damping);
            denominator = sG.add(root / pi).reshape(outDim, 1).mmul(sA.add(root * pi).reshape(1, inDim));
        }
        INDArray rotated = gVectors.transpose().mmul(grad).mmul(aVectors);
        return gVectors.mmul(rotated.divi(denominator)).mmul(aVectors.transpose());
    }

    /** π = √((tr A / dim A) / (tr G / dim G)) (Martens &amp; Grosse 2015, §6.3); 1 where it is undefined. */
    private double piCorrection(INDArray sA, INDArray sG) {
        double ratio = (sA.sumNumber().doubleValue() / inDim) / (sG.sumNumber().doubleValue() / outDim);
        double pi = Math.sqrt(ratio);
        return Double.isFinite(pi) && pi > 0 ? pi : 1.0;
    }

    void save(OptimizerState s) {
        if (a == null) {
            return;
        }
        s.put(id.inputKey(), a);
        s.put(id.outputKey(), g);
        s.put(id.stem() + ".updates", updates);
        if (hasEigen()) {
            s.put(id.inputKey() + ".eigenvalues", aValues);
            s.put(id.inputKey() + ".eigenvectors", aVectors);
            s.put(id.outputKey() + ".eigenvalues", gValues);
            s.put(id.outputKey() + ".eigenvectors", gVectors);
        }
    }

    /** The block {@code id} as saved in {@code s} by {@link #save}. */
    static KroneckerFactors restore(BlockId id, ParameterLayout layout, OptimizerState s) {
        INDArray a = s.array(id.inputKey());
        INDArray g = s.array(id.outputKey());
        KroneckerFactors f = create(id, layout, a.rows(), g.rows());
        f.a = a;
        f.g = g;
        f.updates = s.getLong(id.stem() + ".updates");
        if (s.hasArray(id.inputKey() + ".eigenvalues")) {
            f.aValues = s.array(id.inputKey() + ".eigenvalues");
            f.aVectors = s.array(id.inputKey() + ".eigenvectors");
            f.gValues = s.array(id.outputKey() + ".eigenvalues");
            f.gVectors = s.array(id.outputKey() + ".eigenvectors");
        }
        return f;
    }

    /** NaN or ±Inf anywhere makes the sum non-finite (a finite sum overflowing would need entries near 1e308). */
    static boolean allFinite(INDArray x) {
        return Double.isFinite(x.sumNumber().doubleValue());
    }
}
