package dev.bigbatch.jobs.exit;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import dev.bigbatch.jobs.checkpoint.CheckpointException;
import dev.bigbatch.jobs.checkpoint.ConfigMismatchException;
import dev.bigbatch.optimizer.config.ConfigError;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExitCodeTest {

    @Test
    void eachFailureTypeHasItsCode() {
        assertEquals(ExitCode.CONFIG_ERROR, ExitCode.of(new ConfigError("optimizer.learning-rate", "must be > 0")));
        assertEquals(ExitCode.CONFIG_ERROR, ExitCode.of(
                assertThrows(ConfigException.class, () -> ConfigFactory.parseString("a = { b"))));
        assertEquals(ExitCode.CONFIG_ERROR, ExitCode.of(new ConfigMismatchException("ckpt-1", List.of())));
        assertEquals(ExitCode.DATA_ERROR, ExitCode.of(new DataError("part-0001.parquet: record 17 has 3 channels")));
        assertEquals(ExitCode.DIVERGED, ExitCode.of(new DivergenceError(1234, "train loss is NaN")));
        assertEquals(ExitCode.CHECKPOINT_ERROR, ExitCode.of(new CheckpointException("disk full")));
        assertEquals(ExitCode.CONFIG_ERROR, ExitCode.of(new org.apache.hadoop.fs.FileAlreadyExistsException(
                "out/ exists; delete it or pass --overwrite")));
        assertEquals(ExitCode.INTERNAL_ERROR, ExitCode.of(new IllegalStateException("bug")));
        assertEquals(ExitCode.INTERNAL_ERROR, ExitCode.of(new OutOfMemoryError()));
    }

    @Test
    void causeChainIsSearchedFromTheOutside() {
        // What the driver sees when an executor throws: Spark's job failure with the task's exception as cause.
        SparkException fromExecutor = new SparkException("Job aborted due to stage failure",
                new DataError("shard 3: truncated record at byte 4096"));
        assertEquals(ExitCode.DATA_ERROR, ExitCode.of(new RuntimeException(fromExecutor)));
        assertEquals(ExitCode.CHECKPOINT_ERROR, ExitCode.of(new UncheckedIOException(
                new CheckpointException("writing failed", new IOException("No space left on device")))));
        assertEquals(ExitCode.DATA_ERROR, ExitCode.of(new DataError("x", new DivergenceError(5, "y"))),
                "outermost recognised wins");
        assertEquals(ExitCode.DIVERGED, ExitCode.of(new DivergenceError(5, "y").initCause(new DataError("x"))));
        RuntimeException outer = new RuntimeException(new DivergenceError(9, "loss inf"));
        assertEquals(ExitCode.DIVERGED, ExitCode.of(outer));
    }

    @Test
    void causeCycleTerminates() {
        Exception a = new Exception("a");
        Exception b = new Exception("b", a);
        a.initCause(b);
        assertEquals(ExitCode.INTERNAL_ERROR, ExitCode.of(b));
    }

    @Test
    void failureCodesAreDistinctAndAvoidReservedStatuses() {
        Map<Integer, ExitCode> byCode = new HashMap<>();
        for (ExitCode c : ExitCode.values()) {
            if (!c.isSuccess()) {
                ExitCode clash = byCode.put(c.code(), c);
                assertEquals(null, clash, c + " shares its code with " + clash);
                assertTrue(c.code() > 2 && c.code() < 126, c + " uses a status the shell or JVM uses: " + c.code());
            }
        }
        assertEquals(0, ExitCode.SUCCESS.code());
        assertEquals(0, ExitCode.ALREADY_DONE.code());
        assertFalse(ExitCode.DIVERGED.isSuccess());
    }

    @Test
    void docsTableMatchesTheEnum() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "EXIT_CODES.md"));
        Matcher m = Pattern.compile("(?m)^\\| (\\d+) \\| ([A-Z_]+) \\| (.+) \\| (.+) \\|$").matcher(doc);
        Map<String, List<String>> rows = new HashMap<>();
        while (m.find()) {
            rows.put(m.group(2), List.of(m.group(1), m.group(3), m.group(4)));
        }
        assertEquals(Arrays.stream(ExitCode.values()).map(Enum::name).sorted().toList(),
                rows.keySet().stream().sorted().toList());
        for (ExitCode c : ExitCode.values()) {
            assertEquals(List.of(String.valueOf(c.code()), c.meaning(), c.action()), rows.get(c.name()), c.name());
        }
    }
}
