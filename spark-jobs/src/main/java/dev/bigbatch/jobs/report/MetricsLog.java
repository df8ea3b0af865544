package dev.bigbatch.jobs.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.bigbatch.jobs.exit.DataError;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The parsed {@code metrics.jsonl} of one run: one JSON object per line with at least {@code step} (integer) and
 * {@code split} (string), and optionally {@code loss}, {@code top1}, {@code top5}, {@code lr},
 * {@code images_per_sec}, {@code step_time_ms}, {@code epoch} (numbers; {@code null}, {@code NaN} and the strings
 * {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} are accepted, since a diverging run logs them). Other fields
 * are ignored.
 *
 * <p>A last line without its newline is a line the running job is still writing: it is used if it parses and
 * otherwise skipped ({@link #partialLastLine()}). Any other line that does not parse is an error naming the file and
 * line number.
 */
public final class MetricsLog {
    /** The file name in a run directory. */
    public static final String FILE = "metrics.jsonl";
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private final List<MetricRecord> records;
    private final boolean partialLastLine;

    private MetricsLog(List<MetricRecord> records, boolean partialLastLine) {
        this.records = List.copyOf(records);
        this.partialLastLine = partialLastLine;
    }

    /** Reads {@code file}; see the class comment for what is accepted. */
    public static MetricsLog read(FileSystem fs, Path file) throws IOException {
        try (InputStream in = fs.open(file)) {
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), file.toString());
        }
    }

    /**
     * Parses the text of a metrics file.
     *
     * @param source names the file in error messages
     * @throws DataError naming {@code source}, the line number and the problem for a malformed complete line
     */
    public static MetricsLog parse(String text, String source) {
        List<MetricRecord> out = new ArrayList<>();
        boolean partial = false;
        int lineNo = 0;
        int start = 0;
        while (start < text.length()) {
            int end = text.indexOf('\n', start);
            boolean complete = end >= 0;
            String line = complete ? text.substring(start, end) : text.substring(start);
            start = complete ? end + 1 : text.length();
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            try {
                out.add(record(line));
            } catch (IllegalArgumentException | JsonProcessingException e) {
                if (!complete) {
                    partial = true;
                    break;
                }
                throw new DataError(source + ":" + lineNo + ": not a metrics record (" + message(e) + "): "
                        + abbreviate(line));
            }
        }
        return new MetricsLog(out, partial);
    }

    private static MetricRecord record(String line) throws JsonProcessingException {
        JsonNode n = JSON.readTree(line);
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        JsonNode step = n.get("step");
        if (step == null || !step.isIntegralNumber() || !step.canConvertToLong() || step.longValue() < 0) {
            throw new IllegalArgumentException("'step' must be a non-negative integer, found " + step);
        }
        JsonNode split = n.get("split");
        if (split == null || !split.isTextual() || split.asText().isBlank()) {
            throw new IllegalArgumentException("'split' must be a non-empty string, found " + split);
        }
        return new MetricRecord(step.longValue(), split.asText(), number(n, "loss"), number(n, "top1"),
                number(n, "top5"), number(n, "lr"), number(n, "images_per_sec"), number(n, "step_time_ms"),
                number(n, "epoch"));
    }

    private static double number(JsonNode record, String field) {
        JsonNode v = record.get(field);
        if (v == null || v.isNull()) {
            return Double.NaN;
        }
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isTextual()) {
            switch (v.asText()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("'" + field + "' must be a number, found " + v);
    }

    private static String message(Exception e) {
        String m = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }

    private static String abbreviate(String line) {
        return line.length() <= 120 ? line : line.substring(0, 117) + "...";
    }

    public List<MetricRecord> records() {
        return records;
    }

    /** Whether an incomplete last line (a job still writing) was skipped. */
    public boolean partialLastLine() {
        return partialLastLine;
    }
}
