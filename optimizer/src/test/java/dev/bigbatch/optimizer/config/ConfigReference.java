package dev.bigbatch.optimizer.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docs/CONFIG.md, parsed: the table of each section of a run config ({@code ## `data`}, ..., {@code ## `optimizer`}),
 * and within {@code optimizer} the "Shared keys" table (the section's own) and each optimizer's table
 * ({@code ### `name`}), by full key. A row is {@code | `section.key` | default | allowed | meaning |}; lines of any
 * other form are prose. Shared by the optimizer module's test and, through its test-jar, spark-jobs' test.
 *
 * @param sections   section name → its rows, in the order of the document; for {@code optimizer}, the shared rows
 * @param optimizers optimizer name → that optimizer's own rows, in the order of the document
 */
public record ConfigReference(Map<String, Map<String, Row>> sections, Map<String, Map<String, Row>> optimizers) {
    /** The document from a module directory, where Maven runs the tests (as ExperimentConfigsTest finds conf/). */
    public static final Path FILE = Path.of("..", "docs", "CONFIG.md");
    public static final String OPTIMIZER = "optimizer";
    private static final Pattern SECTION_HEADING = Pattern.compile("^## `([a-z]+)`$");
    private static final String SHARED_HEADING = "### Shared keys";
    private static final Pattern OPTIMIZER_HEADING = Pattern.compile("^### `([a-z0-9-]+)`$");
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z0-9.-]+)` \\|(.*)\\|$");
    /** One conditional part of a Default cell: {@code ; 64 with `name = resnet50`}. */
    private static final Pattern CONDITIONAL_DEFAULT = Pattern.compile("^(.+) with `([a-z.-]+) = ([a-z0-9-]+)`$");

    /**
     * @param key         full key, e.g. {@code optimizer.schedule.name}
     * @param defaultCell the Default cell as written: a value, then any {@code ; VALUE with `key = value`} parts
     * @param allowed     the Allowed cell as written
     * @param meaning     the Meaning cell as written
     * @param line        1-based line in the document, for messages
     */
    public record Row(String key, String defaultCell, String allowed, String meaning, int line) {
        /** The section, the key's first element. */
        public String section() {
            return key.substring(0, key.indexOf('.'));
        }

        /** The key relative to its section. */
        public String relativeKey() {
            return key.substring(key.indexOf('.') + 1);
        }

        /** A key named in a cell, which is relative to the row's section, as a full key. */
        public String qualify(String relative) {
            return section() + "." + relative;
        }

        /** The default when no other key says otherwise, backticks removed. */
        public String defaultValue() {
            return defaultCell.split("; ", -1)[0].replace("`", "");
        }

        /** The defaults that depend on another key's value, in the order written. */
        public List<ConditionalDefault> conditionalDefaults() {
            String[] parts = defaultCell.split("; ", -1);
            List<ConditionalDefault> out = new ArrayList<>();
            for (int i = 1; i < parts.length; i++) {
                Matcher m = CONDITIONAL_DEFAULT.matcher(parts[i]);
                if (!m.matches()) {
                    throw new IllegalStateException(this + ": default part '" + parts[i] + "' is not of the form "
                            + "VALUE with `key = value`");
                }
                Map<String, Object> when = Map.of(qualify(m.group(2)), m.group(3));
                out.add(new ConditionalDefault(when, m.group(1).replace("`", "")));
            }
            return out;
        }

        @Override
        public String toString() {
            return key + " (docs/CONFIG.md:" + line + ")";
        }
    }

    /**
     * A default that holds when other keys have the given values.
     *
     * @param when  full key → value
     * @param value the default then, backticks removed
     */
    public record ConditionalDefault(Map<String, Object> when, String value) {
    }

    public static ConfigReference read() throws IOException {
        return parse(Files.readAllLines(FILE));
    }

    public static ConfigReference parse(List<String> lines) {
        Map<String, Map<String, Row>> sections = new LinkedHashMap<>();
        Map<String, Map<String, Row>> optimizers = new LinkedHashMap<>();
        String section = null;
        Map<String, Row> table = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher sectionHeading = SECTION_HEADING.matcher(line);
            Matcher optimizerHeading = OPTIMIZER_HEADING.matcher(line);
            if (sectionHeading.matches()) {
                section = sectionHeading.group(1);
                table = newTable(sections, section, i + 1);
            } else if (OPTIMIZER.equals(section) && line.equals(SHARED_HEADING)) {
                table = sections.get(OPTIMIZER);
            } else if (OPTIMIZER.equals(section) && optimizerHeading.matches()) {
                table = newTable(optimizers, optimizerHeading.group(1), i + 1);
            } else if (line.startsWith("#")) {
                table = null;
                if (!line.startsWith("### ")) {
                    section = null;
                }
            } else {
                Matcher row = ROW.matcher(line);
                if (row.matches()) {
                    addRow(table, section, row, i + 1);
                }
            }
        }
        return new ConfigReference(Collections.unmodifiableMap(sections), Collections.unmodifiableMap(optimizers));
    }

    private static Map<String, Row> newTable(Map<String, Map<String, Row>> tables, String name, int line) {
        Map<String, Row> table = new LinkedHashMap<>();
        if (tables.put(name, table) != null) {
            throw new IllegalStateException("docs/CONFIG.md:" + line + ": second section for " + name);
        }
        return table;
    }

    private static void addRow(Map<String, Row> table, String section, Matcher row, int line) {
        if (table == null) {
            throw new IllegalStateException("docs/CONFIG.md:" + line + ": key row outside the tables of the sections "
                    + "(## `section`) and optimizers (### Shared keys, ### `name`)");
        }
        if (!row.group(1).startsWith(section + ".")) {
            throw new IllegalStateException("docs/CONFIG.md:" + line + ": " + row.group(1) + " in the table of section "
                    + section);
        }
        String[] cells = row.group(2).split("\\|", -1);
        if (cells.length != 3) {
            throw new IllegalStateException("docs/CONFIG.md:" + line + ": a row has 4 cells (key, default, allowed, "
                    + "meaning) and no '|' inside them; found " + (cells.length + 1));
        }
        Row r = new Row(row.group(1), cells[0].strip(), cells[1].strip(), cells[2].strip(), line);
        r.conditionalDefaults(); // fails on a malformed Default cell here, with its line
        if (table.put(r.key(), r) != null) {
            throw new IllegalStateException("docs/CONFIG.md:" + line + ": " + r.key() + " twice in one table");
        }
    }

    /** The shared rows of the {@code optimizer} section. */
    public Map<String, Row> shared() {
        return sections.getOrDefault(OPTIMIZER, Map.of());
    }

    /** The rows in effect for optimizer {@code name}: the shared ones, replaced by its own where it has one. */
    public Map<String, Row> rowsFor(String name) {
        Map<String, Row> rows = new LinkedHashMap<>(shared());
        rows.putAll(optimizers.getOrDefault(name, Map.of()));
        return rows;
    }

    /** The row of {@code key} in its section's own table (for {@code optimizer}, the shared table). */
    public Optional<Row> row(String key) {
        int dot = key.indexOf('.');
        return dot < 0 ? Optional.empty()
                : Optional.ofNullable(sections.getOrDefault(key.substring(0, dot), Map.of()).get(key));
    }

    /** Every row of the document: the sections' tables, then each optimizer's. */
    public List<Row> allRows() {
        List<Row> rows = new ArrayList<>();
        for (Map<String, Row> table : sections.values()) {
            rows.addAll(table.values());
        }
        for (Map<String, Row> table : optimizers.values()) {
            rows.addAll(table.values());
        }
        return rows;
    }
}
