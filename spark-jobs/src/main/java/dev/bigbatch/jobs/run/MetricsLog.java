package dev.bigbatch.jobs.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bigbatch.jobs.io.RunFiles;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code metrics.jsonl}: one JSON object per logged training step and per evaluation, with at least {@code step},
 * {@code split} ({@code train} or the evaluated split), {@code loss} and {@code top1}. Object stores cannot append,
 * so the whole file is republished atomically at each {@link #flush()}; it is small (one line per logged step).
 */
public final class MetricsLog {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String FILE = "metrics.jsonl";
    private final RunFiles files;
    private final List<String> lines = new ArrayList<>();

    public MetricsLog(RunFiles files) {
        this.files = files;
    }

    /** Records one object; values are numbers or strings, in insertion order after step and split. */
    public void record(long step, String split, Map<String, ?> values) {
        ObjectNode o = JSON.createObjectNode();
        o.put("step", step);
        o.put("split", split);
        values.forEach((k, v) -> {
            if (v instanceof Integer i) {
                o.put(k, i);
            } else if (v instanceof Long l) {
                o.put(k, l);
            } else if (v instanceof Number n) {
                double d = n.doubleValue();
                if (Double.isFinite(d)) {
                    o.put(k, d);
                } else {
                    o.put(k, String.valueOf(d));
                }
            } else {
                o.put(k, String.valueOf(v));
            }
        });
        lines.add(o.toString());
    }

    public void flush() {
        files.writeText(FILE, String.join("\n", lines) + (lines.isEmpty() ? "" : "\n"));
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }
}
