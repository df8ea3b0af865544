package dev.bigbatch.optimizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docs/CONFIG.md, parsed: the rows of its "Shared keys" table and of each optimizer's table ({@code ## `name`}), by full
 * key. A row is {@code | `optimizer.key` | default | allowed | meaning |}; lines of any other form are prose.
 *
 * @param shared     rows every optimizer reads
 * @param optimizers name → that optimizer's own rows, in the order of the document
 */
record ConfigReference(Map<String, Row> shared, Map<String, Map<String, Row>> optimizers) {
    /** The document from a module directory, where Maven runs the tests (as ExperimentConfigsTest finds conf/). */
    static final Path FILE = Path.of("..", "docs", "CONFIG.md");
    private static final String SHARED_HEADING = "## Shared keys";
    private static final Pattern OPTIMIZER_HEADING = Pattern.compile("^## `([a-z0-9-]+)`$");
    private static final Pattern ROW = Pattern.compile("^\\| `(optimizer\\.[a-z0-9.-]+)` \\|(.*)\\|$");

    /**
     * @param key          full key, e.g. {@code optimizer.schedule.name}
     * @param defaultValue the Default cell, backticks removed
     * @param allowed      the Allowed cell as written
     * @param line         1-based line in the document, for messages
     */
    record Row(String key, String defaultValue, String allowed, int line) {
        /** The key relative to the {@code optimizer} section. */
        String relativeKey() {
            return key.substring("optimizer.".length());
        }

        @Override
        public String toString() {
            return key + " (docs/CONFIG.md:" + line + ")";
        }
    }

    static ConfigReference read() throws IOException {
        return parse(Files.readAllLines(FILE));
    }

    static ConfigReference parse(List<String> lines) {
        Map<String, Row> shared = new LinkedHashMap<>();
        Map<String, Map<String, Row>> optimizers = new LinkedHashMap<>();
        Map<String, Row> section = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher heading = OPTIMIZER_HEADING.matcher(line);
            if (line.equals(SHARED_HEADING)) {
                section = shared;
            } else if (heading.matches()) {
                section = new LinkedHashMap<>();
                if (optimizers.put(heading.group(1), section) != null) {
                    throw new IllegalStateException("docs/CONFIG.md:" + (i + 1) + ": second section for "
                            + heading.group(1));
                }
            } else if (line.startsWith("#")) {
                section = null;
            } else {
                Matcher row = ROW.matcher(line);
                if (row.matches()) {
                    addRow(section, row, i + 1);
                }
            }
        }
        return new ConfigReference(Collections.unmodifiableMap(shared), Collections.unmodifiableMap(optimizers));
    }

    private static void addRow(Map<String, Row> section, Matcher row, int line) {
        if (section == null) {
            throw new IllegalStateException("docs/CONFIG.md:" + line + ": key row outside the shared and optimizer "
                    + "sections");
        }
        String[] cells = row.group(2).split("\\|", -1);
        if (cells.length != 3) {
            throw new IllegalStateException("docs/CONFIG.md:" + line + ": a row has 4 cells (key, default, allowed, "
                    + "meaning) and no '|' inside them; found " + (cells.length + 1));
        }
        Row r = new Row(row.group(1), cells[0].strip().replace("`", ""), cells[1].strip(), line);
        if (section.put(r.key(), r) != null) {
            throw new IllegalStateException("docs/CONFIG.md:" + line + ": " + r.key() + " twice in one table");
        }
    }

    /** The rows in effect for optimizer {@code name}: the shared ones, replaced by its own where it has one. */
    Map<String, Row> rowsFor(String name) {
        Map<String, Row> rows = new LinkedHashMap<>(shared);
        rows.putAll(optimizers.getOrDefault(name, Map.of()));
        return rows;
    }
}
