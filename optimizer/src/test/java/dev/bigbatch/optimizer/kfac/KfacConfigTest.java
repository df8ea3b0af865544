package dev.bigbatch.optimizer.kfac;

import com.typesafe.config.ConfigFactory;
import dev.bigbatch.optimizer.CommonSettings;
import dev.bigbatch.optimizer.OptimizerConfig;
import dev.bigbatch.optimizer.Optimizers;
import dev.bigbatch.optimizer.TrainingShape;
import dev.bigbatch.optimizer.config.ConfigError;
import dev.bigbatch.optimizer.config.ConfigReader;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KfacConfigTest {

    private static OptimizerConfig read(String hocon) {
        return Optimizers.read(new ConfigReader(ConfigFactory.parseString(hocon), "optimizer"));
    }

    @Test
    void defaults() {
        KfacConfig c = (KfacConfig) read("name = kfac");
        assertEquals(KfacConfig.defaults(c.common()), c);
        assertEquals(10, c.covUpdateEvery());
        assertEquals(100, c.inverseUpdateEvery());
        assertEquals(0.95, c.factorDecay());
        assertEquals(0.001, c.klClip());
        assertEquals(DampingMode.TIKHONOV_EIGEN, c.dampingMode());
        assertEquals(FisherType.TRUE, c.fisher());
        assertEquals(InverseLocation.DRIVER, c.inverseOn());
        assertEquals(CommonSettings.DEFAULT_LEARNING_RATE, c.common().learningRate());
        assertInstanceOf(KfacOptimizer.class, c.create(SyntheticSteps.layout(), new TrainingShape(10, 10, 8)));
    }

    @Test
    void readsEveryKey() {
        KfacConfig c = (KfacConfig) read("""
                name = kfac, learning-rate = 0.2, cov-update-every = 5, inverse-update-every = 50,
                factor-decay = 0.99, damping = 0.01, damping-mode = pi-factored, kl-clip = 0.002, momentum = 0.8,
                fisher = empirical, inverse-on = executors, weight-decay = 0.0001, clip-norm = 5,
                schedule { name = cosine, warmup-steps = 10 }""");
        assertEquals(0.2, c.common().learningRate());
        assertEquals(5, c.covUpdateEvery());
        assertEquals(50, c.inverseUpdateEvery());
        assertEquals(0.99, c.factorDecay());
        assertEquals(0.01, c.damping());
        assertEquals(DampingMode.PI_FACTORED, c.dampingMode());
        assertEquals(0.002, c.klClip());
        assertEquals(0.8, c.momentum());
        assertEquals(FisherType.EMPIRICAL, c.fisher());
        assertEquals(InverseLocation.EXECUTORS, c.inverseOn());
        assertEquals(5, c.common().clipNorm());
        assertEquals("cosine", c.common().schedule().name());
    }

    /** HOCON reads an unquoted {@code true} as a boolean; it must still select the true Fisher. */
    @Test
    void fisherTrueUnquoted() {
        assertEquals(FisherType.TRUE, ((KfacConfig) read("name = kfac, fisher = true")).fisher());
        assertEquals(0.0, ((KfacConfig) read("name = kfac, kl-clip = 0")).klClip(), "0 turns KL clipping off");
    }

    @Test
    void badValuesNameTheirKey() {
        String[][] cases = {
                {"cov-update-every = 0", "optimizer.cov-update-every"},
                {"cov-update-every = 2.5", "optimizer.cov-update-every"},
                {"inverse-update-every = 15", "optimizer.inverse-update-every"},
                {"factor-decay = 1", "optimizer.factor-decay"},
                {"damping = 0", "optimizer.damping"},
                {"damping = -1", "optimizer.damping"},
                {"damping = lots", "optimizer.damping"},
                {"damping-mode = levenberg", "optimizer.damping-mode"},
                {"kl-clip = -0.1", "optimizer.kl-clip"},
                {"momentum = 1", "optimizer.momentum"},
                {"fisher = maybe", "optimizer.fisher"},
                {"inverse-on = gpu", "optimizer.inverse-on"},
                {"dampening = 0.1", "optimizer.dampening"},
        };
        for (String[] c : cases) {
            ConfigError e = assertThrows(ConfigError.class, () -> read("name = kfac, " + c[0]), c[0]);
            assertEquals(c[1], e.key(), c[0] + ": " + e.getMessage());
        }
        ConfigError e = assertThrows(ConfigError.class, () -> read("name = kfac, damping-mode = levenberg"));
        assertTrue(e.getMessage().contains("tikhonov-eigen, pi-factored"), e.getMessage());
    }

    @Test
    void recordValidatesItself() {
        KfacConfig d = KfacConfig.defaults(((KfacConfig) read("name = kfac")).common());
        assertThrows(IllegalArgumentException.class, () -> new KfacConfig(d.common(), 10, 15, 0.95, 1e-3,
                d.dampingMode(), 0, 0.9, d.fisher(), d.inverseOn()));
        assertThrows(IllegalArgumentException.class, () -> new KfacConfig(d.common(), 10, 100, 0.95, Double.NaN,
                d.dampingMode(), 0, 0.9, d.fisher(), d.inverseOn()));
        assertThrows(IllegalArgumentException.class, () -> new KfacConfig(d.common(), 10, 100, 0.95, 1e-3,
                d.dampingMode(), Double.POSITIVE_INFINITY, 0.9, d.fisher(), d.inverseOn()));
    }
}
