package dev.bigbatch.jobs.checkpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The optional {@code batch-norm-statistics.npy} of a checkpoint: written and read back bit for bit, absent (and
 * read as null) when the checkpoint has none, as in every checkpoint written before it existed, and covered by the
 * {@code COMMIT} checksums like the required files.
 */
class CheckpointBatchNormStatisticsTest {
    @TempDir
    Path tmp;

    CheckpointStore store() throws IOException {
        return CheckpointStore.inRun(tmp.toUri().toString(), CheckpointStoreTest.rawLocal(), 3);
    }

    static Checkpoint withStatistics(long step, INDArray statistics) {
        Checkpoint c = CheckpointStoreTest.checkpoint(step, DataType.FLOAT);
        return new Checkpoint(c.step(), c.epoch(), c.parameters(), c.optimizerState(), c.sampling(), c.config(),
                statistics);
    }

    static INDArray statistics() {
        Nd4j.getRandom().setSeed(4);
        INDArray s = Nd4j.rand(DataType.FLOAT, 12).subi(0.5);
        s.putScalar(0, -18.963f); // log10 σ at the variance floor
        return s;
    }

    @Test
    void roundTripIsBitExactAndListedInTheCommitMarker() throws IOException {
        Checkpoint written = withStatistics(10, statistics());
        store().write(written);
        Checkpoint read = store().read(10);
        CheckpointStoreTest.assertSameCheckpoint(written, read);
        CheckpointStoreTest.assertBitEqual(written.batchNormStatistics(), read.batchNormStatistics());
        List<String> commit = Files.readAllLines(tmp.resolve("checkpoints/ckpt-10/COMMIT"));
        assertEquals(4, commit.size());
        assertTrue(commit.stream().anyMatch(l -> l.endsWith("  " + CheckpointFiles.BATCH_NORM)), commit.toString());
    }

    @Test
    void aCheckpointWithoutThemHasNoFileAndReadsAsNull() throws IOException {
        store().write(CheckpointStoreTest.checkpoint(10, DataType.FLOAT));
        assertTrue(Files.notExists(tmp.resolve("checkpoints/ckpt-10").resolve(CheckpointFiles.BATCH_NORM)));
        assertNull(store().read(10).batchNormStatistics());
    }

    @Test
    void aDamagedFileRejectsTheCheckpoint() throws IOException {
        store().write(withStatistics(10, statistics()));
        try (RandomAccessFile f = new RandomAccessFile(tmp.resolve("checkpoints/ckpt-10")
                .resolve(CheckpointFiles.BATCH_NORM).toFile(), "rw")) {
            f.seek(f.length() - 1);
            f.write(f.read() ^ 1);
        }
        CheckpointException e = assertThrows(CheckpointException.class, () -> store().read(10));
        assertTrue(e.getMessage().contains(CheckpointFiles.BATCH_NORM) && e.getMessage().contains("checksum"),
                e.getMessage());
    }
}
