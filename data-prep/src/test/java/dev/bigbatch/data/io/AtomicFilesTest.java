package dev.bigbatch.data.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Publication replaces the target whole, leaves nothing behind, and leaves the old file when writing fails. */
class AtomicFilesTest {
    @TempDir
    java.nio.file.Path dir;

    private List<String> names() throws IOException {
        try (Stream<java.nio.file.Path> s = Files.list(dir.resolve("sub"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void writesThenReplacesWithoutLeftovers() throws IOException {
        Path target = new Path(dir.resolve("sub/a.txt").toUri());
        Configuration conf = new Configuration();
        AtomicFiles.write(target, conf, out -> out.write("one".getBytes(StandardCharsets.UTF_8)));
        AtomicFiles.write(target, conf, out -> out.write("two".getBytes(StandardCharsets.UTF_8)));
        assertEquals("two", Files.readString(dir.resolve("sub/a.txt")));
        // the local file system also writes .crc side files; nothing else may remain
        assertEquals(List.of(".a.txt.crc", "a.txt"), names());
    }

    @Test
    void failedWriteKeepsTheOldFileAndRemovesItsTemporary() throws IOException {
        Path target = new Path(dir.resolve("sub/a.txt").toUri());
        Configuration conf = new Configuration();
        AtomicFiles.write(target, conf, out -> out.write("old".getBytes(StandardCharsets.UTF_8)));
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(target, conf, out -> {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertEquals("old", Files.readString(dir.resolve("sub/a.txt")));
        assertEquals(List.of(".a.txt.crc", "a.txt"), names());
    }

    @Test
    void namedTemporaryIsUsedAndAStaleOneReplaced() throws IOException {
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub/_stale.tmp"), "left by a crash");
        Path target = new Path(dir.resolve("sub/m.json").toUri());
        AtomicFiles.write(target, new Path(dir.resolve("sub/_stale.tmp").toUri()), new Configuration(),
                out -> out.write("{}".getBytes(StandardCharsets.UTF_8)));
        assertEquals("{}", Files.readString(dir.resolve("sub/m.json")));
        assertEquals(List.of(".m.json.crc", "m.json"), names());
    }

    @Test
    void temporaryIsHiddenBesideTheTarget() {
        Path t = AtomicFiles.temporaryFor(new Path("hdfs://nn/runs/r1/config.conf"));
        assertEquals(new Path("hdfs://nn/runs/r1"), t.getParent());
        assertTrue(t.getName().startsWith(".config.conf.tmp-"), t.getName());
    }
}
