package dev.bigbatch.optimizer.config;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How docs/CONFIG.md is read: which table a row belongs to, and the rows that are mistakes in the document. */
class ConfigReferenceParseTest {
    private static final List<String> DOC = List.of(
            "# Reference",
            "## `data`",
            "| Key | Default | Allowed | Meaning |",
            "|---|---|---|---|",
            "| `data.size` | 0 | 0 or [8, 16] | m |",
            "## `optimizer`",
            "### Shared keys",
            "| `optimizer.name` | `a` | `a`, `b` | m |",
            "### `b`",
            "| `optimizer.width` | 16; 64 with `name = b` | [1, 1024] | m |",
            "## Notes",
            "prose");

    @Test
    void rowsGoToTheirSectionsSharedTableOrOptimizer() {
        ConfigReference doc = ConfigReference.parse(DOC);
        assertEquals(List.of("data", "optimizer"), List.copyOf(doc.sections().keySet()));
        assertEquals(List.of("data.size"), List.copyOf(doc.sections().get("data").keySet()));
        assertEquals(List.of("optimizer.name"), List.copyOf(doc.shared().keySet()));
        assertEquals(List.of("optimizer.name", "optimizer.width"), List.copyOf(doc.rowsFor("b").keySet()));
        assertEquals(3, doc.allRows().size());
        assertTrue(doc.row("optimizer.width").isEmpty(), "row() looks only in a section's own table");
        ConfigReference.Row width = doc.rowsFor("b").get("optimizer.width");
        assertEquals("16", width.defaultValue());
        assertEquals(List.of(new ConfigReference.ConditionalDefault(Map.of("optimizer.name", "b"), "64")),
                width.conditionalDefaults());
        assertEquals("a", doc.shared().get("optimizer.name").defaultValue(), "backticks removed");
    }

    @Test
    void misplacedOrMalformedRowsAreErrorsWithTheirLine() {
        assertRejected(with(5, "| `model.size` | 0 | [0, 1] | m |"),
                "docs/CONFIG.md:6: model.size in the table of section data");
        assertRejected(with(11, "| `data.late` | 0 | [0, 1] | m |"), "outside the tables");
        assertRejected(with(5, "| `data.more` | 0 | [0, 1] | m | extra |"), "4 cells");
        assertRejected(with(5, "| `data.size` | 1 | [0, 1] | m |"), "twice");
        assertRejected(with(5, "| `data.other` | 16; 64 if name is b | [1, 2] | m |"), "VALUE with");
        assertRejected(with(5, "## `data`"), "second section");
    }

    private static List<String> with(int index, String line) {
        List<String> lines = new ArrayList<>(DOC);
        lines.add(index, line);
        return lines;
    }

    private static void assertRejected(List<String> lines, String message) {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ConfigReference.parse(lines));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
