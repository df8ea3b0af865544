/**
 * K-FAC (Martens &amp; Grosse 2015; KFC for convolutions, Grosse &amp; Martens 2016; distributed as in Ba, Grosse &amp;
 * Martens 2017), split the bigbatch way: executors compute sums, the driver keeps everything with memory.
 *
 * <h2>Executors</h2>
 * On factor-update steps {@link dev.bigbatch.optimizer.kfac.KfacOptimizer#request()} returns a
 * {@link dev.bigbatch.optimizer.kfac.KroneckerFactorStatistic}. On each executor it finds the replica's blocks through
 * the registry {@link dev.bigbatch.optimizer.kfac.CurvatureBlocks} (DL4J {@code DenseLayer}/{@code OutputLayer} →
 * {@link dev.bigbatch.optimizer.kfac.DenseBlock}, {@code ConvolutionLayer} →
 * {@link dev.bigbatch.optimizer.kfac.ConvolutionBlock}), records each block layer's input and pre-activation
 * gradient during one DL4J forward/backward pass per ghost batch ({@link dev.bigbatch.optimizer.kfac.LayerRecorders}),
 * with targets sampled from the model for the true Fisher ({@link dev.bigbatch.optimizer.kfac.FisherTargets}), and
 * adds into {@link dev.bigbatch.optimizer.stats.StepSums}:
 * <ul>
 *   <li>{@code kfac.<kind>.<layer>.A}: Σ ā āᵀ, packed upper triangle (kind {@code dense} or {@code conv2d});</li>
 *   <li>{@code kfac.<kind>.<layer>.G}: Σ (1/|T|) g gᵀ, packed upper triangle;</li>
 *   <li>{@code kfac.count}: the number of examples summed.</li>
 * </ul>
 * The rows ā and g and their products are formed in the network's own type, FLOAT for the jobs' models, in one reused
 * buffer; why that precision suffices, and what it costs, is in {@link dev.bigbatch.optimizer.kfac.KroneckerFactorSums}.
 *
 * <h2>Driver</h2>
 * {@link dev.bigbatch.optimizer.kfac.KfacOptimizer} learns its blocks from those keys (so driver and executors cannot
 * disagree about which layers have one), keeps per block a {@link dev.bigbatch.optimizer.kfac.KroneckerFactors}
 * (moving averages, eigendecompositions), and refreshes the eigendecompositions every T_inv steps through a
 * {@link dev.bigbatch.optimizer.kfac.FactorInverter}: {@link dev.bigbatch.optimizer.kfac.FactorInverter#ON_DRIVER}, or a
 * distributed one installed by the training loop with
 * {@link dev.bigbatch.optimizer.kfac.KfacOptimizer#useInverter}, which groups factors with
 * {@link dev.bigbatch.optimizer.kfac.InverseAssignment} and applies
 * {@link dev.bigbatch.optimizer.kfac.FactorEigendecomposition#decompose} in its tasks.
 */
package dev.bigbatch.optimizer.kfac;
