package dev.bigbatch.optimizer.state;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Stores an {@link OptimizerState} as a zip: {@code state.json} (optimizer name, integers, numbers) and one
 * {@code arrays/NAME.npy} per array. Doubles go through JSON as their IEEE bits in hex, so they come back exactly.
 */
public final class OptimizerStateCodec {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final int FORMAT_VERSION = 1;

    private OptimizerStateCodec() {
    }

    public static void write(OptimizerState state, OutputStream out) throws IOException {
        ZipOutputStream zip = new ZipOutputStream(out);
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "bigbatch-optimizer-state");
        root.put("version", FORMAT_VERSION);
        root.put("optimizer", state.optimizer());
        ObjectNode longs = root.putObject("longs");
        state.longs().forEach(longs::put);
        ObjectNode doubles = root.putObject("doubles");
        state.doubles().forEach((k, v) -> doubles.put(k, Long.toHexString(Double.doubleToRawLongBits(v))));
        root.putArray("arrays").addAll(state.arrays().keySet().stream().map(JSON.getNodeFactory()::textNode).toList());
        zip.putNextEntry(new ZipEntry("state.json"));
        zip.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        zip.closeEntry();
        for (var e : state.arrays().entrySet()) {
            zip.putNextEntry(new ZipEntry("arrays/" + e.getKey() + ".npy"));
            Npy.write(e.getValue(), zip);
            zip.closeEntry();
        }
        zip.finish();
    }

    public static byte[] toBytes(OptimizerState state) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try {
            write(state, bos);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bos.toByteArray();
    }

    /** Reads a state; {@code source} names the file in error messages. */
    public static OptimizerState read(InputStream in, String source) throws IOException {
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(in)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                entries.put(e.getName(), zip.readAllBytes());
            }
        }
        byte[] json = entries.get("state.json");
        if (json == null) {
            throw new IOException(source + ": optimizer state has no state.json");
        }
        JsonNode root = JSON.readTree(new String(json, StandardCharsets.UTF_8));
        if (!"bigbatch-optimizer-state".equals(root.path("format").asText())) {
            throw new IOException(source + ": not a bigbatch optimizer state");
        }
        int version = root.path("version").asInt(-1);
        if (version != FORMAT_VERSION) {
            throw new IOException(source + ": optimizer state format version " + version + " is not supported (expected "
                    + FORMAT_VERSION + ")");
        }
        OptimizerState s = new OptimizerState(root.path("optimizer").asText());
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("longs").fields(); it.hasNext(); ) {
            var f = it.next();
            s.put(f.getKey(), f.getValue().asLong());
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("doubles").fields(); it.hasNext(); ) {
            var f = it.next();
            s.put(f.getKey(), Double.longBitsToDouble(Long.parseUnsignedLong(f.getValue().asText(), 16)));
        }
        for (JsonNode n : root.path("arrays")) {
            String name = n.asText();
            byte[] npy = entries.get("arrays/" + name + ".npy");
            if (npy == null) {
                throw new IOException(source + ": optimizer state lists array '" + name + "' but has no arrays/" + name + ".npy");
            }
            s.put(name, Npy.read(new ByteArrayInputStream(npy), source + "!arrays/" + name + ".npy"));
        }
        return s;
    }

    public static OptimizerState fromBytes(byte[] bytes, String source) throws IOException {
        return read(new ByteArrayInputStream(bytes), source);
    }
}
