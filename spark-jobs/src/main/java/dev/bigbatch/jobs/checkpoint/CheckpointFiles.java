package dev.bigbatch.jobs.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bigbatch.data.io.AtomicFiles;
import dev.bigbatch.optimizer.state.Npy;
import dev.bigbatch.optimizer.state.OptimizerState;
import dev.bigbatch.optimizer.state.OptimizerStateCodec;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The files of one checkpoint directory: {@code checkpoint.json} (format, step, epoch, sampling state, config
 * fingerprint), {@code params.npy} (flat parameters, {@link Npy}) and {@code optimizer-state.zip}
 * ({@link OptimizerStateCodec}), and, only when the checkpoint has them, {@code batch-norm-statistics.npy}
 * ({@link Checkpoint#batchNormStatistics()}; an optional file, so checkpoints without it, older ones included, read as
 * before). Writing returns each file's SHA-256, computed as the bytes are written; reading checks
 * each file against the {@code COMMIT} marker while parsing it, in one pass.
 */
final class CheckpointFiles {
    static final String MANIFEST = "checkpoint.json";
    static final String PARAMETERS = "params.npy";
    static final String OPTIMIZER = "optimizer-state.zip";
    static final List<String> REQUIRED = List.of(MANIFEST, PARAMETERS, OPTIMIZER);
    static final String BATCH_NORM = "batch-norm-statistics.npy";
    static final String FORMAT = "bigbatch-checkpoint";
    static final int VERSION = 1;
    private static final int BUFFER = 1 << 16;
    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointFiles() {
    }

    /** Writes the files of {@code c} into the existing directory {@code dir}; returns file → SHA-256 hex. */
    static Map<String, String> write(FileSystem fs, Path dir, Checkpoint c) throws IOException {
        Map<String, String> sha = new LinkedHashMap<>();
        sha.put(MANIFEST, writeFile(fs, new Path(dir, MANIFEST), out -> out.write(manifest(c))));
        sha.put(PARAMETERS, writeFile(fs, new Path(dir, PARAMETERS), out -> Npy.write(c.parameters(), out)));
        sha.put(OPTIMIZER, writeFile(fs, new Path(dir, OPTIMIZER),
                out -> OptimizerStateCodec.write(c.optimizerState(), out)));
        if (c.batchNormStatistics() != null) {
            sha.put(BATCH_NORM, writeFile(fs, new Path(dir, BATCH_NORM),
                    out -> Npy.write(c.batchNormStatistics(), out)));
        }
        return sha;
    }

    private static byte[] manifest(Checkpoint c) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        root.put("step", c.step());
        root.put("epoch", c.epoch());
        c.sampling().forEach(root.putObject("sampling")::put);
        root.put("optimizer", c.optimizerState().optimizer());
        ObjectNode config = root.putObject("config");
        config.put("sha256", c.config().sha256());
        c.config().entries().forEach(config.putObject("entries")::put);
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    private static String writeFile(FileSystem fs, Path file, AtomicFiles.Body body) throws IOException {
        MessageDigest md = sha256();
        try (OutputStream raw = fs.create(file, false);
             DigestOutputStream out = new DigestOutputStream(new BufferedOutputStream(raw, BUFFER), md)) {
            body.write(out);
        }
        return CommitMarker.hex(md.digest());
    }

    private interface Parser<T> {
        T parse(InputStream in, String source) throws IOException;
    }

    /**
     * Reads a committed checkpoint directory, verifying every file against {@code marker}.
     *
     * @throws CheckpointException saying what is wrong: a required file not listed or missing, a checksum mismatch,
     *                             a truncated or unparsable file, or a step that does not match the directory name
     */
    static Checkpoint read(FileSystem fs, Path dir, CommitMarker marker, long step) throws CheckpointException {
        for (String name : REQUIRED) {
            if (!marker.files().containsKey(name)) {
                throw new CheckpointException("COMMIT does not list " + name);
            }
        }
        JsonNode manifest = verified(fs, dir, marker, MANIFEST, (in, src) -> JSON.readTree(in));
        INDArray params = verified(fs, dir, marker, PARAMETERS, Npy::read);
        OptimizerState state = verified(fs, dir, marker, OPTIMIZER, OptimizerStateCodec::read);
        INDArray batchNorm = marker.files().containsKey(BATCH_NORM)
                ? verified(fs, dir, marker, BATCH_NORM, Npy::read) : null;
        for (Map.Entry<String, String> e : marker.files().entrySet()) {
            if (!REQUIRED.contains(e.getKey()) && !e.getKey().equals(BATCH_NORM)) {
                verified(fs, dir, marker, e.getKey(), (in, src) -> null);
            }
        }
        try {
            Checkpoint c = fromManifest(manifest, params, state, step);
            return batchNorm == null ? c : new Checkpoint(c.step(), c.epoch(), c.parameters(), c.optimizerState(),
                    c.sampling(), c.config(), batchNorm);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(MANIFEST + ": " + e.getMessage(), e);
        }
    }

    private static <T> T verified(FileSystem fs, Path dir, CommitMarker marker, String name, Parser<T> parser)
            throws CheckpointException {
        Path file = new Path(dir, name);
        MessageDigest md = sha256();
        T value;
        long trailing;
        try (InputStream raw = fs.open(file);
             DigestInputStream in = new DigestInputStream(new BufferedInputStream(raw, BUFFER), md)) {
            value = parser.parse(new FilterInputStream(in) {
                @Override
                public void close() {
                    // The parsers close what they are given; the digest still needs the rest of the file.
                }
            }, file.toString());
            trailing = in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException(name + " is unreadable: " + e.getMessage(), e);
        }
        String found = CommitMarker.hex(md.digest());
        String expected = marker.files().get(name);
        if (!found.equals(expected)) {
            throw new CheckpointException(name + " fails its checksum: COMMIT says " + expected + ", file has "
                    + found + (trailing > 0 ? " (" + trailing + " unexpected trailing bytes)" : ""));
        }
        return value;
    }

    private static Checkpoint fromManifest(JsonNode m, INDArray params, OptimizerState state, long dirStep) {
        if (!FORMAT.equals(m.path("format").asText())) {
            throw new IllegalArgumentException("not a bigbatch checkpoint (format is '" + m.path("format").asText()
                    + "')");
        }
        if (m.path("version").asInt(-1) != VERSION) {
            throw new IllegalArgumentException("checkpoint format version " + m.path("version")
                    + " is not supported (this build reads " + VERSION + ")");
        }
        long step = longField(m, "step");
        if (step != dirStep) {
            throw new IllegalArgumentException("step " + step + " does not match the directory's step " + dirStep);
        }
        String optimizer = m.path("optimizer").asText();
        if (!optimizer.equals(state.optimizer())) {
            throw new IllegalArgumentException("manifest names optimizer '" + optimizer + "' but the state is for '"
                    + state.optimizer() + "'");
        }
        Map<String, Long> sampling = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object(m, "sampling").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            sampling.put(f.getKey(), longField(m.path("sampling"), f.getKey()));
        }
        JsonNode config = object(m, "config");
        Map<String, String> entries = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object(config, "entries").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            entries.put(f.getKey(), f.getValue().asText());
        }
        ConfigFingerprint fingerprint = ConfigFingerprint.fromEntries(entries);
        if (!fingerprint.sha256().equals(config.path("sha256").asText())) {
            throw new IllegalArgumentException("config.sha256 does not match config.entries");
        }
        return new Checkpoint(step, longField(m, "epoch"), params, state, sampling, fingerprint);
    }

    private static long longField(JsonNode parent, String name) {
        JsonNode n = parent.path(name);
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new IllegalArgumentException("'" + name + "' must be an integer, found " + n);
        }
        return n.longValue();
    }

    private static JsonNode object(JsonNode parent, String name) {
        JsonNode n = parent.path(name);
        if (!n.isObject()) {
            throw new IllegalArgumentException("'" + name + "' must be an object, found " + n);
        }
        return n;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
