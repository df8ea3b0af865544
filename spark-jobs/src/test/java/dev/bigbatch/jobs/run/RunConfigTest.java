package dev.bigbatch.jobs.run;

import com.typesafe.config.ConfigFactory;
import dev.bigbatch.jobs.checkpoint.ConfigFingerprint;
import dev.bigbatch.optimizer.sgd.MomentumSgd;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link RunConfig#effective()}: the values the job runs with, defaults filled in, which resumes are checked on. */
class RunConfigTest {
    static RunConfig read(String hocon) {
        return RunConfig.from(ConfigFactory.parseString(hocon).resolve());
    }

    static ConfigFingerprint fingerprint(String hocon) {
        return ConfigFingerprint.of(read(hocon).effective());
    }

    @Test
    void effectiveConfigHoldsTheDefaultsOfEveryKeyRead() {
        RunConfig c = read("optimizer { name = Momentum, learning-rate = 0.2 }");
        assertEquals("momentum", c.effective().getString("optimizer.name"), "the value as read (lower case)");
        assertEquals(0.2, c.effective().getDouble("optimizer.learning-rate"));
        assertEquals(MomentumSgd.Config.DEFAULT_MOMENTUM, c.effective().getDouble("optimizer.momentum"));
        assertEquals(DataSettings.DEFAULT_DECODE_THREADS, c.effective().getInt("data.decode-threads"));
        assertTrue(!c.resolved().hasPath("optimizer.momentum"), "the written config is left as written");
    }

    @Test
    void spellingOutADefaultIsNotAChangeButChangingOneIs() {
        String base = "optimizer { name = momentum, learning-rate = 0.1 }\n";
        ConfigFingerprint implicit = fingerprint(base);
        ConfigFingerprint spelled = fingerprint(base + "optimizer.momentum = "
                + MomentumSgd.Config.DEFAULT_MOMENTUM);
        assertEquals(List.of(), implicit.changesTo(spelled));
        assertEquals(implicit.sha256(), spelled.sha256());
        List<ConfigFingerprint.KeyChange> changes = implicit.changesTo(fingerprint(base + "optimizer.momentum = 0.95"));
        assertEquals("[optimizer.momentum: 0.9 -> 0.95]", changes.toString());
    }

    @Test
    void keysOfAnotherOptimizerAreNotInTheEffectiveConfig() {
        RunConfig adam = read("optimizer { name = adam, learning-rate = 0.001 }");
        assertTrue(adam.effective().hasPath("optimizer.beta1"), adam.effective().root().render());
        assertTrue(!adam.effective().hasPath("optimizer.momentum"), "momentum is not read for adam");
    }
}
