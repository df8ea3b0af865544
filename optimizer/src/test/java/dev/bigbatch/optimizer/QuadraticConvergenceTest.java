package dev.bigbatch.optimizer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static dev.bigbatch.optimizer.OptimizerFixtures.config;
import static dev.bigbatch.optimizer.OptimizerFixtures.doubles;
import static dev.bigbatch.optimizer.OptimizerFixtures.sums;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every rule minimises ½xᵀAx − bᵀx with condition number 100 (n = 10, exact gradients) to ‖x − x*‖ &lt; 1e−4.
 *
 * <ul>
 *   <li>SGD, heavy ball, Nesterov, AdaGrad, AdaGrad-Norm, Rprop and Neumann converge at a constant rate. AdaGrad and
 *       AdaGrad-Norm do here because their accumulators stop growing once the gradients shrink geometrically (with
 *       noisy gradients their steps would keep decaying). Rprop reaches the 1e−4 ball through its sign-driven step
 *       sizes, bounded below by Δ_min = 1e−6.</li>
 *   <li>Adam, AdaMax, RMSProp and AdaDelta normalise the step by a running gradient scale, so with a constant η they
 *       keep moving at a scale set by η near the optimum; they are run, as in practice, with an annealed η (cosine to
 *       0 over the run).</li>
 *   <li>Neumann runs with β = 0: with β &gt; 0 its repulsive term (§3.1) pushes w away from its own moving average by
 *       design, which rules out exact convergence. The two-loop inner solve is checked against the Newton direction
 *       in {@code NeumannInnerLoopTest}.</li>
 * </ul>
 * Step budgets were set from observed runs with margin; distances reached were 2e−8 to 9e−6 (SGD stalls at ~3e−6,
 * the float32 resolution of its gradient).
 */
class QuadraticConvergenceTest {
    static final Quadratic Q = new Quadratic(10, 100, 17);

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "sgd | learning-rate = 0.01 | 1500",
            "momentum | learning-rate = 0.01 | 600",
            "nesterov | learning-rate = 0.01 | 600",
            "adam | learning-rate = 0.01, schedule.name = cosine | 1000",
            "adamax | learning-rate = 0.01, schedule.name = cosine | 1500",
            "rmsprop | learning-rate = 0.01, schedule.name = cosine | 1000",
            "adagrad | learning-rate = 0.5 | 1000",
            "adadelta | learning-rate = 1, schedule.name = cosine | 1500",
            "rprop | learning-rate = 0.1 | 600",
            "adagrad-norm | learning-rate = 1 | 1000",
            "neumann | learning-rate = 0.01, repulsive-regularizer-per-parameter = 0 | 600",
    })
    void converges(String name, String settings, int steps) {
        Optimizer opt = config("optimizer { name = " + name + ", " + settings + " }")
                .create(OptimizerFixtures.weights(Q.n), new TrainingShape(steps, 10, 1));
        INDArray x = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, Q.n);
        for (int t = 0; t < steps; t++) {
            opt.step(x, sums(Q.gradient(doubles(x))));
        }
        double d = Q.distanceToOptimum(doubles(opt.evaluationParameters(x)));
        assertTrue(d < 1e-4, name + " ended " + d + " from the optimum");
    }
}
