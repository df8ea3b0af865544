package dev.bigbatch.optimizer.config;

import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reader's record of the keys it was asked for, which {@link ConfigReader#finish()} and docs/CONFIG.md rely on. */
class ConfigReaderTest {

    @Test
    void keysReadListsEveryKeyAskedForWithChildrenAndWithoutSectionNames() {
        ConfigReader r = new ConfigReader(ConfigFactory.parseString("a = 1, s { c = x }"), "optimizer");
        r.decimal("a", 0.0);
        r.integer("absent", 3, 0, 10);
        r.has("asked");
        ConfigReader s = r.child("s");
        s.string("c", "y");
        s.stringList("d", List.of());
        assertEquals(List.of("optimizer.a", "optimizer.absent", "optimizer.asked", "optimizer.s.c", "optimizer.s.d"),
                List.copyOf(r.keysRead()));
        assertEquals(r.keysRead(), s.keysRead(), "one record, shared by a reader and its children");
        r.finish();
        s.finish();
    }

    @Test
    void aKeyNobodyReadIsRejectedAndNotListed() {
        ConfigReader r = new ConfigReader(ConfigFactory.parseString("a = 1, typo = 2"), "optimizer");
        r.decimal("a", 0.0);
        ConfigError e = assertThrows(ConfigError.class, r::finish);
        assertEquals("optimizer.typo", e.key());
        assertTrue(e.getMessage().contains("known keys: a"), e.getMessage());
        assertEquals(List.of("optimizer.a"), List.copyOf(r.keysRead()));
    }

    /** Whole numbers are whole in a list too: Typesafe Config alone would truncate 1.5 to 1. */
    @Test
    void aListOfWholeNumbersRejectsFractionsNamingTheKey() {
        ConfigReader r = new ConfigReader(ConfigFactory.parseString("ok = [1, 2.0, 3e3], half = [1, 1.5], word = [x]"),
                "optimizer.schedule");
        assertEquals(List.of(1L, 2L, 3000L), r.longList("ok", List.of()));
        for (String key : List.of("half", "word")) {
            ConfigError e = assertThrows(ConfigError.class, () -> r.longList(key, List.of()));
            assertEquals("optimizer.schedule." + key, e.key());
            assertTrue(e.getMessage().contains("must be a list of whole numbers"), e.getMessage());
        }
    }
}
