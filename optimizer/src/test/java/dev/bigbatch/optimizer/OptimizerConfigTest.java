package dev.bigbatch.optimizer;

import dev.bigbatch.optimizer.config.ConfigError;
import dev.bigbatch.optimizer.firstorder.Adam;
import dev.bigbatch.optimizer.neumann.NeumannConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static dev.bigbatch.optimizer.OptimizerFixtures.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every optimizer is chosen by {@code optimizer.name}, reads its defaults, and names the key of a bad value. */
class OptimizerConfigTest {
    static final TrainingShape SHAPE = new TrainingShape(100, 10, 32);

    @Test
    void everyNameIsRegisteredAndCreatesItsOptimizer() {
        assertEquals(List.of("sgd", "momentum", "nesterov", "rprop", "adagrad", "rmsprop", "adadelta", "adam",
                "adamax", "adagrad-norm", "neumann", "kfac"), Optimizers.names());
        for (String name : Optimizers.names()) {
            Optimizer opt = config("optimizer.name = " + name).create(OptimizerFixtures.weights(4), SHAPE);
            assertEquals(name, opt.name());
            assertEquals(0, opt.stepCount());
        }
    }

    /**
     * The loop recalibrates batch-norm statistics for optimizers whose evaluation weights are not the array they store
     * ({@code Optimizer.evaluationParameters}); after a few steps that is the single-loop Neumann optimizer only. The
     * two-loop mode (which needs executor iterates to step) is checked in {@code TwoLoopNeumannTest}, K-FAC (which
     * needs curvature statistics) here before its first step: neither overrides the method.
     */
    @Test
    void onlySingleLoopNeumannEvaluatesOtherWeightsThanItStores() {
        java.util.Random random = new java.util.Random(1);
        for (String name : Optimizers.names()) {
            String hocon = "optimizer { name = " + name + (name.equals("neumann") ? ", sgd-warmup-epochs = 0 }" : " }");
            Optimizer opt = config(hocon).create(OptimizerFixtures.weights(4), SHAPE);
            var params = OptimizerFixtures.vector(OptimizerFixtures.gaussian(random, 4, 1.0));
            for (int t = 0; t < 3 && !name.equals("kfac"); t++) {
                opt.step(params, OptimizerFixtures.sums(OptimizerFixtures.gaussian(random, 4, 0.5)));
            }
            var evaluated = opt.evaluationParameters(params);
            assertEquals(name.equals("neumann"), evaluated != params, name);
        }
    }

    @Test
    void neumannDefaultsAreThePapersTable1() {
        NeumannConfig c = (NeumannConfig) config("optimizer.name = neumann");
        assertEquals(NeumannConfig.SINGLE_LOOP, c.mode());
        assertEquals(1e-7, c.cubic());
        assertEquals(1e-5, c.repulsivePerParameter());
        assertEquals(0.99, c.movingAverage());
        assertEquals(0.9, c.momentumMax());
        assertEquals(5.0, c.sgdWarmupEpochs());
        assertEquals(10.0, c.resetEpochs());
        assertEquals(2, c.resetGrowth());
    }

    @Test
    void adamDefaultsAreKingmaBas() {
        Adam c = (Adam) config("optimizer.name = adam");
        assertEquals(1e-3, c.common().learningRate());
        assertEquals(0.9, c.beta1());
        assertEquals(0.999, c.beta2());
        assertEquals(1e-8, c.epsilon());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "name = adam, beta1 = 1.5 | optimizer.beta1",
            "name = adam, epsilon = 0 | optimizer.epsilon",
            "name = adamax, epsilon = 1e-8 | optimizer.epsilon",
            "name = rmsprop, decay = -0.1 | optimizer.decay",
            "name = adadelta, rho = 1 | optimizer.rho",
            "name = nesterov, momentum = 1 | optimizer.momentum",
            "name = adagrad-norm, initial-scale = 0 | optimizer.initial-scale",
            "name = rprop, increase = 0.9 | optimizer.increase",
            "name = rprop, min-step = 100 | optimizer.min-step",
            "name = rprop, schedule.name = cosine | optimizer.schedule",
            "name = rprop, weight-decay = 0.1, weight-decay-mode = decoupled | optimizer.weight-decay-mode",
            "name = neumann, mode = three-loop | optimizer.mode",
            "name = neumann, moving-average = 1 | optimizer.moving-average",
            "name = neumann, cubic-regularizer = -1 | optimizer.cubic-regularizer",
            "name = neumann, sgd-warmup-epochs = -1 | optimizer.sgd-warmup-epochs",
            "name = neumann, inner-iterations = 3 | optimizer.inner-iterations",
            "name = neumann, mode = two-loop, reset-epochs = 3 | optimizer.reset-epochs",
            "name = neumann, mode = two-loop, inner-iterations = 0 | optimizer.inner-iterations",
            "name = neumann, mode = two-loop, clip-norm = 1 | optimizer.clip-norm",
            "name = neumann, momentum-unit-epochs = 0 | optimizer.momentum-unit-epochs",
            "name = neumann, momentum-max = 1 | optimizer.momentum-max",
            "name = adam, betta1 = 0.9 | optimizer.betta1",
            "name = lbfgs | optimizer.name",
    })
    void badValuesNameTheirKey(String settings, String key) {
        ConfigError e = assertThrows(ConfigError.class, () -> config("optimizer { " + settings + " }"));
        assertEquals(key, e.key(), e.getMessage());
        assertTrue(e.getMessage().startsWith(key + ": "), e.getMessage());
    }
}
