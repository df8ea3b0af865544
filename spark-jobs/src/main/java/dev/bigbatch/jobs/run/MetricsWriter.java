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
public final class MetricsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String FILE = "metrics.jsonl";
    private final RunFiles files;
    private final List<String> lines = new ArrayList<>();

    public MetricsWriter(RunFiles files) {
        this.files = files;
    }

    /**
     * Continues a run's metrics after a resume from step {@code upToStep}: keeps the existing lines up to that step
     * and drops later ones (logged after the checkpoint by the run that stopped), and a half-written last line.
     */
    public static MetricsWriter resume(RunFiles files, long upToStep) {
        MetricsWriter w = new MetricsWriter(files);
        if (!files.exists(FILE)) {
            return w;
        }
        try (var in = files.fileSystem().open(files.path(FILE))) {
            String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            for (String line : text.split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    if (JSON.readTree(line).path("step").asLong(Long.MAX_VALUE) <= upToStep) {
                        w.lines.add(line);
                    }
                } catch (com.fasterxml.jackson.core.JsonProcessingException partial) {
                    // the interrupted run's last line may be cut short: it is dropped with the later ones
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + files.path(FILE), e);
        }
        return w;
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
