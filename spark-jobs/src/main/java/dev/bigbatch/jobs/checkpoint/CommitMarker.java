package dev.bigbatch.jobs.checkpoint;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code COMMIT} file that makes a checkpoint directory valid: one line per file, {@code <sha256-hex>  <name>},
 * the format of {@code sha256sum}, so an operator can check a checkpoint by hand with
 * {@code cd ckpt-N && sha256sum -c COMMIT}. Written last; a directory without it is an interrupted write.
 */
final class CommitMarker {
    static final String NAME = "COMMIT";
    private static final Pattern LINE = Pattern.compile("([0-9a-f]{64})  ([A-Za-z0-9._-]+)");

    private final Map<String, String> sha256ByFile;

    CommitMarker(Map<String, String> sha256ByFile) {
        this.sha256ByFile = Collections.unmodifiableMap(new LinkedHashMap<>(sha256ByFile));
    }

    Map<String, String> files() {
        return sha256ByFile;
    }

    byte[] toBytes() {
        StringBuilder sb = new StringBuilder();
        sha256ByFile.forEach((file, sha) -> sb.append(sha).append("  ").append(file).append('\n'));
        return sb.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Parses a marker.
     *
     * @throws IllegalArgumentException naming the line number if a line is not {@code <64 hex>  <name>} or a file is
     *                                  listed twice
     */
    static CommitMarker parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.US_ASCII);
        if (!text.endsWith("\n")) {
            throw new IllegalArgumentException("COMMIT does not end with a newline (truncated)");
        }
        Map<String, String> files = new LinkedHashMap<>();
        String[] lines = text.split("\n");
        for (int i = 0; i < lines.length; i++) {
            Matcher m = LINE.matcher(lines[i]);
            if (!m.matches()) {
                throw new IllegalArgumentException("COMMIT line " + (i + 1) + " is not '<sha256>  <file>': '"
                        + lines[i] + "'");
            }
            if (files.put(m.group(2), m.group(1)) != null) {
                throw new IllegalArgumentException("COMMIT lists " + m.group(2) + " twice");
            }
        }
        return new CommitMarker(files);
    }

    static String hex(byte[] digest) {
        return HexFormat.of().formatHex(digest);
    }
}
