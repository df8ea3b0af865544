package dev.bigbatch.jobs.checkpoint;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigFingerprintTest {
    static ConfigFingerprint fp(String hocon) {
        return ConfigFingerprint.of(ConfigFactory.parseString(hocon));
    }

    @Test
    void numbersAreComparedByValueNotSpelling() {
        assertEquals(fp("optimizer.learning-rate = 0.1"), fp("optimizer.learning-rate = 1e-1"));
        assertEquals(fp("optimizer.learning-rate = 0.1"), fp("optimizer.learning-rate = \"0.10\""));
        assertEquals(fp("train.global-batch-size = 128"), fp("train.global-batch-size = 128.0"));
        assertEquals("0.0001", fp("optimizer.weight-decay = 1e-4").entries().get("optimizer.weight-decay"));
        assertNotEquals(fp("optimizer.learning-rate = 0.1"), fp("optimizer.learning-rate = 0.11"));
    }

    @Test
    void canonicalFormIsSortedKeyValueLinesAndIndependentOfSourceLayout() {
        ConfigFingerprint a = fp("""
                optimizer { schedule { name = piecewise, boundaries = [32000, 48000] }, name = momentum }
                model { name = resnet20 }
                """);
        ConfigFingerprint b = fp("""
                model.name = "resnet20"
                optimizer.name = momentum
                optimizer.schedule.boundaries = [3.2e4, 48000]
                optimizer.schedule.name = piecewise
                """);
        assertEquals(a, b);
        assertEquals(a.sha256(), b.sha256());
        assertEquals("""
                model.name="resnet20"
                optimizer.name="momentum"
                optimizer.schedule.boundaries=[32000,48000]
                optimizer.schedule.name="piecewise"
                """, a.canonical());
        assertEquals(64, a.sha256().length());
    }

    @Test
    void keysThatMayChangeOnResumeAreLeftOut() {
        ConfigFingerprint f = fp("""
                train { steps = 10, epochs = 2, eval-every = 5, log-every = 1, checkpoint-every = 5,
                        keep-checkpoints = 2, seed = 7 }
                spark { master = "local[*]", extra.thing = 1 }
                data { path = "hdfs:///x", partitions = 64 }
                """);
        assertEquals(Set.of("train.seed", "data.path"), f.entries().keySet());
        assertEquals(Set.of("spark.master"), ConfigFingerprint.of(
                ConfigFactory.parseString("spark.master = x\ntrain.steps = 1"), Set.of("train")).entries().keySet());
    }

    @Test
    void changesListEveryDifferingKeyInOrder() {
        ConfigFingerprint before = fp("a = 1\nb = x\nc = [1, 2]\nd = true");
        ConfigFingerprint after = fp("a = 1\nb = y\nc = [2, 1]\ne = null");
        assertEquals(List.of(
                new ConfigFingerprint.KeyChange("b", "\"x\"", "\"y\""),
                new ConfigFingerprint.KeyChange("c", "[1,2]", "[2,1]"),
                new ConfigFingerprint.KeyChange("d", "true", ConfigFingerprint.ABSENT)), before.changesTo(after));
        // HOCON drops keys set to null from entrySet(), so "e = null" is the same as leaving e out.
        assertFalse(after.entries().containsKey("e"));
        ConfigMismatchException e = assertThrows(ConfigMismatchException.class,
                () -> before.requireSame(after, "ckpt-7"));
        assertTrue(e.getMessage().startsWith("the config differs from the one checkpoint ckpt-7 was trained with,"
                + " in 3 keys (checkpoint -> now):\n  b: \"x\" -> \"y\"\n"), e.getMessage());
    }

    @Test
    void fromEntriesRoundTrips() {
        ConfigFingerprint f = fp("x { y = [ {b = 2, a = \"s\"} ], z = 0.5 }");
        assertEquals("[{\"a\":\"s\",\"b\":2}]", f.entries().get("x.y"));
        assertEquals(f, ConfigFingerprint.fromEntries(f.entries()));
    }

    @Test
    void cadenceIsEveryNStepsAndTheLast() {
        CheckpointCadence c = new CheckpointCadence(10, 2);
        assertTrue(c.due(10, false));
        assertTrue(c.due(13, true));
        assertEquals(false, c.due(13, false));
        assertEquals(false, c.due(0, false));
        assertEquals(false, new CheckpointCadence(0, 1).due(1000, false));
        assertTrue(assertThrows(RuntimeException.class, () -> new CheckpointCadence(-1, 1)).getMessage()
                .startsWith("train.checkpoint-every: must be >= 0"));
        assertTrue(assertThrows(RuntimeException.class, () -> new CheckpointCadence(5, 0)).getMessage()
                .startsWith("train.keep-checkpoints: must be >= 1"));
    }
}
