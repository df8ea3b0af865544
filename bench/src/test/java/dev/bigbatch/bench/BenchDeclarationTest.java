package dev.bigbatch.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The usage text rendered from a declaration: what a user sees on {@code --help} and after an option error. */
class BenchDeclarationTest {
    @Test
    void usageListsPositionalValuesAndKeysWithDefaults() {
        BenchDeclaration d = BenchOptions.declare("StepBench", "Times one step.")
                .positional("parameters", 1000, "vector length").positional("rounds", 7, "timed rounds")
                .key("mode", "l2", "l2 or decoupled").key("very-long-option-name", "some-long-default", "help");
        assertEquals("""
                usage: StepBench [parameters [rounds]] [key=value]...
                Times one step.
                options (shown with their defaults; bare arguments fill parameters, rounds in this order):
                  parameters=1000         vector length
                  rounds=7                timed rounds
                  mode=l2                 l2 or decoupled
                  very-long-option-name=some-long-default  help
                """, d.usage());
        assertEquals(Set.of("parameters", "rounds", "mode", "very-long-option-name"), d.keys());
    }

    @Test
    void usageListsWordsAndPrefixes() {
        BenchDeclaration words = BenchOptions.declare("PipeBench", "Pipelines.").word("decode", "decode only")
                .word("prepare", "prepare only");
        assertEquals("""
                usage: PipeBench [decode] [prepare]
                Pipelines.
                bare arguments, any of:
                  decode                  decode only
                  prepare                 prepare only
                """, words.usage());
        assertEquals(List.of("decode", "prepare"), List.copyOf(words.words()));

        BenchDeclaration prefixed = BenchOptions.declare("SweepBench", "Sweeps.").key("cap", 50, "steps per run")
                .prefix("rates.", "NAME=r1,r2,...", "learning rates of group NAME");
        assertEquals("""
                usage: SweepBench [key=value]...
                Sweeps.
                options (shown with their defaults):
                  cap=50                  steps per run
                  rates.NAME=r1,r2,...    learning rates of group NAME
                """, prefixed.usage());
        assertEquals("usage: EmptyBench\nNothing to set.\n", BenchOptions.declare("EmptyBench", "Nothing to set.")
                .usage());
    }

    @Test
    void longHelpWrapsUnderItsColumn() {
        String help = "word ".repeat(40).trim();
        String usage = BenchOptions.declare("B", "s").key("k", 1, help).usage();
        List<String> lines = usage.lines().skip(3).toList();
        assertTrue(lines.size() > 1, usage);
        for (String line : lines) {
            assertTrue(line.length() <= 100, line);
        }
        assertTrue(lines.get(0).startsWith("  k=1" + " ".repeat(21) + "word word"), lines.get(0)); // column 26
        for (String line : lines.subList(1, lines.size())) {
            assertTrue(line.startsWith(" ".repeat(26) + "word"), line);
        }
        assertEquals(help, String.join(" ", lines.stream().map(String::trim).toList()).substring("k=1 ".length())
                .trim());

        List<String> summary = BenchOptions.declare("B", help).usage().lines().toList();
        assertEquals("usage: B", summary.get(0));
        assertTrue(summary.size() > 2, usage);
        for (String line : summary.subList(1, summary.size())) {
            assertTrue(line.length() <= 100 && line.startsWith("word"), line);
        }
        assertEquals(help, String.join(" ", summary.subList(1, summary.size())));
    }
}
