package dev.bigbatch.jobs.checkpoint;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.bigbatch.optimizer.state.OptimizerState;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointStoreTest {
    static final Config CONFIG = ConfigFactory.parseString("""
            model.name = resnet20
            optimizer { name = momentum, learning-rate = 0.1, momentum = 0.9 }
            train { global-batch-size = 128, steps = 100, seed = 42, checkpoint-every = 10 }
            spark.master = "local[2]"
            """);

    @TempDir
    java.nio.file.Path tmp;

    /** A filesystem without Hadoop's .crc side files, so that only the store's own checksums can catch damage. */
    static Configuration rawLocal() {
        Configuration conf = new Configuration(false);
        conf.setClass("fs.file.impl", RawLocalFileSystem.class, org.apache.hadoop.fs.FileSystem.class);
        conf.setBoolean("fs.file.impl.disable.cache", true);
        return conf;
    }

    CheckpointStore store(int keep) throws IOException {
        return CheckpointStore.inRun(tmp.toUri().toString(), rawLocal(), keep);
    }

    java.nio.file.Path dir(long step) {
        return tmp.resolve("checkpoints").resolve("ckpt-" + step);
    }

    /** Parameters with values that only a bit-exact round trip keeps: NaN, -0.0, a subnormal, the extremes. */
    static INDArray parameters(long seed, DataType type) {
        Nd4j.getRandom().setSeed(seed);
        INDArray p = Nd4j.rand(type, 41);
        p.putScalar(0, Float.NaN);
        p.putScalar(1, -0.0);
        p.putScalar(2, type == DataType.FLOAT ? Float.MIN_VALUE : Double.MIN_VALUE);
        p.putScalar(3, type == DataType.FLOAT ? Float.MAX_VALUE : Double.MAX_VALUE);
        p.putScalar(4, Double.NEGATIVE_INFINITY);
        return p;
    }

    static Checkpoint checkpoint(long step, DataType type) {
        Nd4j.getRandom().setSeed(step + 1000);
        OptimizerState state = new OptimizerState("momentum")
                .put("velocity", Nd4j.rand(DataType.FLOAT, 41).subi(0.5))
                .put("t", step)
                .put("lr", 0.1 / 3.0);
        return new Checkpoint(step, step / 7, parameters(step, type), state,
                Map.of("sampler.seed", 42L, "sampler.cursor", step * 128, "rng.state", Long.MIN_VALUE + step),
                ConfigFingerprint.of(CONFIG));
    }

    static void assertBitEqual(INDArray expected, INDArray actual) {
        assertEquals(expected.dataType(), actual.dataType());
        assertArrayEquals(expected.shape(), actual.shape());
        if (expected.dataType() == DataType.FLOAT) {
            float[] e = expected.toFloatVector();
            float[] a = actual.toFloatVector();
            for (int i = 0; i < e.length; i++) {
                assertEquals(Float.floatToRawIntBits(e[i]), Float.floatToRawIntBits(a[i]), "element " + i);
            }
        } else {
            double[] e = expected.toDoubleVector();
            double[] a = actual.toDoubleVector();
            for (int i = 0; i < e.length; i++) {
                assertEquals(Double.doubleToRawLongBits(e[i]), Double.doubleToRawLongBits(a[i]), "element " + i);
            }
        }
    }

    static void assertSameCheckpoint(Checkpoint expected, Checkpoint actual) {
        assertEquals(expected.step(), actual.step());
        assertEquals(expected.epoch(), actual.epoch());
        assertEquals(expected.sampling(), actual.sampling());
        assertEquals(expected.config(), actual.config());
        assertBitEqual(expected.parameters(), actual.parameters());
        OptimizerState e = expected.optimizerState();
        OptimizerState a = actual.optimizerState();
        assertEquals(e.optimizer(), a.optimizer());
        assertEquals(e.longs(), a.longs());
        assertEquals(e.doubles().keySet(), a.doubles().keySet());
        e.doubles().forEach((k, v) -> assertEquals(Double.doubleToRawLongBits(v),
                Double.doubleToRawLongBits(a.getDouble(k)), k));
        assertEquals(e.arrays().keySet(), a.arrays().keySet());
        e.arrays().forEach((k, v) -> assertBitEqual(v, a.array(k)));
    }

    @Test
    void roundTripIsBitExactForFloatAndDoubleParameters() throws IOException {
        CheckpointStore store = store(3);
        for (DataType type : List.of(DataType.FLOAT, DataType.DOUBLE)) {
            Checkpoint written = checkpoint(type == DataType.FLOAT ? 10 : 20, type);
            store.write(written);
            CheckpointScan scan = store.latestValid();
            assertTrue(scan.rejected().isEmpty(), scan.rejected().toString());
            assertEquals(Optional.of(store.directory().suffix("/ckpt-" + written.step())), scan.directory());
            assertSameCheckpoint(written, scan.checkpoint().orElseThrow());
        }
        assertTrue(Files.exists(dir(20).resolve("COMMIT")));
    }

    @Test
    void commitMarkerIsSha256sumFormatOverEveryFile() throws IOException {
        store(3).write(checkpoint(10, DataType.FLOAT));
        List<String> lines = Files.readAllLines(dir(10).resolve("COMMIT"));
        assertEquals(3, lines.size());
        for (String line : lines) {
            String[] parts = line.split(" {2}");
            byte[] file = Files.readAllBytes(dir(10).resolve(parts[1]));
            assertEquals(CommitMarker.hex(CheckpointFiles.sha256().digest(file)), parts[0], parts[1]);
        }
    }

    @Test
    void truncatedLatestFallsBackToPrevious() throws IOException {
        CheckpointStore store = store(3);
        Checkpoint ten = checkpoint(10, DataType.FLOAT);
        store.write(ten);
        store.write(checkpoint(20, DataType.FLOAT));
        java.nio.file.Path params = dir(20).resolve("params.npy");
        try (var ch = Files.newByteChannel(params, StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(params) - 9);
        }
        CheckpointScan scan = store.latestValid();
        assertSameCheckpoint(ten, scan.checkpoint().orElseThrow());
        assertEquals(1, scan.rejected().size());
        assertTrue(scan.rejected().get(0).startsWith("ckpt-20: params.npy is unreadable"), scan.rejected().get(0));
        assertEquals(2, scan.committed());
    }

    @Test
    void flippedByteFailsChecksumAndFallsBack() throws IOException {
        CheckpointStore store = store(3);
        store.write(checkpoint(10, DataType.FLOAT));
        store.write(checkpoint(20, DataType.FLOAT));
        // Flip one bit of the last float in params.npy: the file still parses, so only the checksum can catch it.
        try (RandomAccessFile f = new RandomAccessFile(dir(20).resolve("params.npy").toFile(), "rw")) {
            f.seek(f.length() - 3);
            int b = f.read();
            f.seek(f.length() - 3);
            f.write(b ^ 0x10);
        }
        CheckpointScan scan = store.latestValid();
        assertEquals(10, scan.checkpoint().orElseThrow().step());
        assertTrue(scan.rejected().get(0).contains("params.npy fails its checksum"), scan.rejected().get(0));
    }

    @Test
    void missingOrBrokenCommitMarkerFallsBack() throws IOException {
        CheckpointStore store = store(5);
        store.write(checkpoint(10, DataType.FLOAT));
        store.write(checkpoint(20, DataType.FLOAT));
        store.write(checkpoint(30, DataType.FLOAT));
        Files.delete(dir(30).resolve("COMMIT"));
        Files.writeString(dir(20).resolve("COMMIT"), "not a checksum line\n");
        CheckpointScan scan = store.latestValid();
        assertEquals(10, scan.checkpoint().orElseThrow().step());
        assertEquals(List.of("ckpt-30: no COMMIT marker (the write was interrupted)",
                "ckpt-20: COMMIT line 1 is not '<sha256>  <file>': 'not a checksum line'"), scan.rejected());
        assertEquals(2, scan.committed());
    }

    @Test
    void manifestStepMustMatchDirectory() throws IOException {
        CheckpointStore store = store(3);
        store.write(checkpoint(10, DataType.FLOAT));
        Files.move(dir(10), dir(15));
        CheckpointScan scan = store.latestValid();
        assertTrue(scan.checkpoint().isEmpty());
        assertTrue(scan.rejected().get(0).contains("step 10 does not match the directory's step 15"),
                scan.rejected().get(0));
    }

    @Test
    void resumeOfFreshRunIsEmptyAndOfAllCorruptRunFails() throws IOException {
        CheckpointStore store = store(3);
        ConfigFingerprint fp = ConfigFingerprint.of(CONFIG);
        assertEquals(Optional.empty(), store.resume(fp));

        store.write(checkpoint(10, DataType.FLOAT));
        Files.delete(dir(10).resolve("COMMIT"));
        assertEquals(Optional.empty(), store.resume(fp), "an interrupted first write is a fresh start");

        store.write(checkpoint(20, DataType.FLOAT));
        Files.writeString(dir(20).resolve("checkpoint.json"), "{}");
        CheckpointException e = assertThrows(CheckpointException.class, () -> store.resume(fp));
        assertTrue(e.getMessage().contains("none of the 1 committed checkpoints"), e.getMessage());
        assertTrue(e.getMessage().contains("ckpt-20: checkpoint.json fails its checksum"), e.getMessage());
    }

    @Test
    void keepsOnlyTheNewestKCommitted() throws IOException {
        CheckpointStore store = store(2);
        for (long step : List.of(10L, 20L, 30L, 40L)) {
            store.write(checkpoint(step, DataType.FLOAT));
        }
        assertEquals(List.of(40L, 30L), store.committedSteps());
        assertFalse(Files.exists(dir(10)));
        assertFalse(Files.exists(dir(20)));
    }

    @Test
    void afterFallingBackPastACorruptNewestTheNewCheckpointsAreKept() throws IOException {
        CheckpointStore two = store(2);
        two.write(checkpoint(10, DataType.FLOAT));
        two.write(checkpoint(20, DataType.FLOAT));
        Files.writeString(dir(20).resolve("params.npy"), "damaged");
        assertEquals(10L, two.latestValid().checkpoint().orElseThrow().step(), "the run resumes from step 10");
        // The resumed run writes step 15 with keep = 1: the unreadable ckpt-20 must not push it out.
        CheckpointStore resumed = store(1);
        resumed.write(checkpoint(15, DataType.FLOAT));
        assertTrue(Files.exists(dir(15).resolve("COMMIT")), "the checkpoint just written is kept");
        assertFalse(Files.exists(dir(10)), "older than the newest 1 of this timeline");
        assertEquals(15L, resumed.latestValid().checkpoint().orElseThrow().step());
        resumed.write(checkpoint(20, DataType.FLOAT));
        assertEquals(List.of(20L), resumed.committedSteps(), "reaching step 20 replaces the abandoned one");
        assertEquals(20L, resumed.latestValid().checkpoint().orElseThrow().step());
    }

    @Test
    void temporaryDirectoriesAreIgnoredAndCleanedUp() throws IOException {
        CheckpointStore store = store(3);
        store.write(checkpoint(10, DataType.FLOAT));
        java.nio.file.Path stale = tmp.resolve("checkpoints/ckpt-20.tmp-0b5e6a1c-0000-4000-8000-000000000000");
        java.nio.file.Path future = tmp.resolve("checkpoints/ckpt-90.tmp-0b5e6a1c-0000-4000-8000-000000000001");
        Files.createDirectories(stale);
        Files.createDirectories(future);
        Files.writeString(stale.resolve("COMMIT"), "garbage");
        CheckpointScan scan = store.latestValid();
        assertEquals(10, scan.checkpoint().orElseThrow().step());
        assertEquals(List.of(), scan.rejected());

        store.write(checkpoint(30, DataType.FLOAT));
        assertFalse(Files.exists(stale), "a temporary directory of an older step is a crashed write");
        assertTrue(Files.exists(future), "a temporary directory of a later step is left alone");
    }

    @Test
    void rewritingAStepReplacesIt() throws IOException {
        CheckpointStore store = store(3);
        store.write(checkpoint(10, DataType.FLOAT));
        Checkpoint again = checkpoint(10, DataType.DOUBLE);
        store.write(again);
        assertSameCheckpoint(again, store.latestValid().checkpoint().orElseThrow());
        assertEquals(List.of(10L), store.committedSteps());
    }

    @Test
    void resumeWithDifferentConfigNamesTheKeys() throws IOException {
        CheckpointStore store = store(3);
        store.write(checkpoint(10, DataType.FLOAT));
        Config changed = ConfigFactory.parseString("""
                model.name = resnet32
                optimizer { name = momentum, learning-rate = 0.2, momentum = 0.9, nesterov = true }
                train { global-batch-size = 128, steps = 500, seed = 42, checkpoint-every = 50 }
                spark.master = "yarn"
                """);
        ConfigMismatchException e = assertThrows(ConfigMismatchException.class,
                () -> store.resume(ConfigFingerprint.of(changed)));
        assertEquals(List.of("model.name: \"resnet20\" -> \"resnet32\"",
                        "optimizer.learning-rate: 0.1 -> 0.2",
                        "optimizer.nesterov: (absent) -> true"),
                e.changes().stream().map(Object::toString).toList());
        assertTrue(e.getMessage().contains("checkpoint " + store.directory() + "/ckpt-10"), e.getMessage());
        assertTrue(e.getMessage().contains("  optimizer.learning-rate: 0.1 -> 0.2\n"), e.getMessage());

        Config sameButLonger = CONFIG.withFallback(ConfigFactory.empty())
                .withValue("train.steps", com.typesafe.config.ConfigValueFactory.fromAnyRef(1000));
        assertEquals(10, store.resume(ConfigFingerprint.of(sameButLonger)).orElseThrow().step());
    }

    @Test
    void worksOnHadoopChecksummedLocalFileSystem() throws IOException {
        // The default file: filesystem writes .crc side files; the store must neither list them nor trip on them.
        CheckpointStore store = CheckpointStore.inRun(tmp.toUri().toString(), new Configuration(), 3);
        Checkpoint ten = checkpoint(10, DataType.FLOAT);
        store.write(ten);
        store.write(checkpoint(20, DataType.FLOAT));
        assertSameCheckpoint(checkpoint(20, DataType.FLOAT), store.latestValid().checkpoint().orElseThrow());
        java.nio.file.Path params = dir(20).resolve("params.npy");
        try (var ch = Files.newByteChannel(params, StandardOpenOption.WRITE)) {
            ch.truncate(100);
        }
        CheckpointScan scan = store.latestValid();
        assertSameCheckpoint(ten, scan.checkpoint().orElseThrow());
        assertTrue(scan.rejected().get(0).startsWith("ckpt-20: params.npy"), scan.rejected().get(0));
        assertEquals(new Path(store.directory(), "ckpt-10"), scan.directory().orElseThrow());
    }
}
