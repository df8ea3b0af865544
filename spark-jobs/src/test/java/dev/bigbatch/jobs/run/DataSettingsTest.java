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

    /** data.classes: unset (0) checks nothing; 1 is refused naming the key, as are values out of range. */
    @Test
    void classesIsUnsetByDefaultAndAtLeastTwo() {
        assertEquals(DataSettings.CLASSES_FROM_MANIFEST, read("").classes());
        assertEquals(100, read("data { path = \"file:///d\", classes = 100 }").classes());
        for (String bad : new String[]{"classes = 1", "classes = -1", "classes = 1048577", "classes = ten"}) {
            ConfigError e = assertThrows(ConfigError.class,
                    () -> read("data { path = \"file:///d\", " + bad + " }"), bad);
            assertEquals("data.classes", e.key(), bad + ": " + e.getMessage());
        }
        ConfigError one = assertThrows(ConfigError.class, () -> read("data { path = \"file:///d\", classes = 1 }"));
        assertTrue(one.getMessage().contains("at least 2") && one.getMessage().contains("found 1"), one.getMessage());
    }

    /**
     * The generated dataset has data.synthetic.classes classes, known when the config is read: another data.classes
     * is refused then, naming both keys, rather than after generating the data.
     */
    @Test
    void generatedDatasetHasItsSyntheticClasses() {
        ConfigError e = assertThrows(ConfigError.class, () -> read("data.classes = 100"));
        assertEquals("data.classes", e.key());
        assertTrue(e.getMessage().contains("data.synthetic.classes = 10 classes; found 100"), e.getMessage());
        assertEquals(10, read("data.classes = 10").classes());
        assertEquals(4, read("data { classes = 4, synthetic.classes = 4 }").classes());
        assertThrows(ConfigError.class, () -> read("data { classes = 10, synthetic.classes = 4 }"));
    }
}
