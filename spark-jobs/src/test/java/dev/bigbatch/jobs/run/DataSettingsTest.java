package dev.bigbatch.jobs.run;

import com.typesafe.config.ConfigFactory;
import dev.bigbatch.optimizer.config.ConfigError;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataSettingsTest {
    static DataSettings read(String hocon) {
        return RunConfig.from(ConfigFactory.parseString(hocon).resolve()).data();
    }

    @Test
    void imageSizeAndDecodeThreadsDefaultToTheDatasetsSizeAndOneThread() {
        DataSettings d = read("");
        assertEquals(0, d.imageSize());
        assertEquals(DataSettings.DEFAULT_DECODE_THREADS, d.decodeThreads());
        DataSettings set = read("data { path = \"file:///d\", image-size = 160, decode-threads = 0 }");
        assertEquals(160, set.imageSize());
        assertEquals(0, set.decodeThreads());
    }

    @Test
    void outOfRangeValuesNameTheKey() {
        for (String bad : new String[]{"data.image-size = 4", "data.image-size = -1", "data.image-size = 5000",
                "data.decode-threads = -1", "data.decode-threads = 1000", "data.decode-threads = two"}) {
            ConfigError e = assertThrows(ConfigError.class, () -> read(bad), bad);
            String key = bad.substring(0, bad.indexOf(' '));
            assertEquals(key, e.key(), bad + ": " + e.getMessage());
        }
        ConfigError small = assertThrows(ConfigError.class, () -> read("data.image-size = 4"));
        assertTrue(small.getMessage().contains("at least 8"), small.getMessage());
    }
}
