package dev.bigbatch.jobs.run;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import dev.bigbatch.jobs.io.HadoopConf;
import dev.bigbatch.optimizer.config.ConfigError;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Loads an experiment config: a HOCON file (optional) with {@code --set key=value} overrides on top. A value that
 * parses as HOCON (number, boolean, list, quoted string) is taken as such, anything else as a plain string, so
 * {@code --set spark.master=local[4]} works without quoting.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /**
     * @param file a local path, a {@code file:} URI, or a URI on any Hadoop file system ({@code hdfs://},
     *             {@code s3a://}, ...; what a cluster-mode driver can read), or null for none
     */
    public static Config load(String file, List<String> sets) {
        Config c = ConfigFactory.empty();
        if (file != null) {
            try {
                c = file.contains("://") && !file.startsWith("file:") ? parseRemote(file) : parseLocal(file);
            } catch (ConfigException e) {
                throw new ConfigError("--config", file + " is not valid HOCON: " + e.getMessage());
            }
        }
        return overrides(c, sets);
    }

    private static Config parseLocal(String file) {
        File f = file.startsWith("file:") ? new File(URI.create(file)) : new File(file);
        if (!f.isFile()) {
            throw new ConfigError("--config", "no such file: " + file);
        }
        return ConfigFactory.parseFile(f);
    }

    /** Through Hadoop (with spark-submit's spark.hadoop.* settings); relative includes are not followed. */
    private static Config parseRemote(String uri) {
        Path path = new Path(uri);
        try {
            FileSystem fs = path.getFileSystem(HadoopConf.get());
            if (!fs.isFile(path)) {
                throw new ConfigError("--config", "no such file: " + uri);
            }
            try (InputStream in = fs.open(path)) {
                return ConfigFactory.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8),
                        ConfigParseOptions.defaults().setOriginDescription(uri));
            }
        } catch (IOException e) {
            throw new ConfigError("--config", "cannot read " + uri + ": " + e.getMessage());
        }
    }

    private static Config overrides(Config c, List<String> sets) {
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new ConfigError("--set", "expected key=value, found '" + s + "'");
            }
            String key = s.substring(0, eq).trim();
            String value = s.substring(eq + 1).trim();
            try {
                c = c.withValue(key, parseValue(value));
            } catch (ConfigException.BadPath e) {
                throw new ConfigError("--set", "'" + key + "' is not a valid key");
            }
        }
        try {
            return c.resolve();
        } catch (ConfigException e) {
            throw new ConfigError("--config", "cannot resolve config: " + e.getMessage());
        }
    }

    /** As {@link #load}, from HOCON text (e.g. a run directory's config.conf). */
    public static Config loadText(String hocon, List<String> sets) {
        Config c;
        try {
            c = ConfigFactory.parseString(hocon);
        } catch (ConfigException e) {
            throw new ConfigError("config", "not valid HOCON: " + e.getMessage());
        }
        return overrides(c, sets);
    }

    private static ConfigValue parseValue(String value) {
        try {
            return ConfigFactory.parseString("v = " + value).getValue("v");
        } catch (ConfigException e) {
            return ConfigValueFactory.fromAnyRef(value);
        }
    }
}
