package dev.bigbatch.jobs.cli;

import dev.bigbatch.jobs.exit.ExitCode;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.bigbatch.jobs.cli.MainTest.main;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the README promises of {@code COMMAND --help}: it prints every option of the command with its default, and
 * exits 0.
 */
class CommandHelpTest {
    private static final List<Command> COMMANDS = List.of(new SynthCifarCommand(), new PrepareCifarCommand(),
            new PrepareImagenetCommand(), new TrainCommand(), new EvaluateCommand(), new ExportCommand(),
            new ReportCommand());

    /** Valued options without a default: required, or absent meaning "none" (no labels file, no warm start, ...). */
    private static final Map<String, Set<String>> NO_DEFAULT = Map.of(
            "synth-cifar", Set.of("--out"),
            "prepare-cifar", Set.of("--input", "--out"),
            "prepare-imagenet", Set.of("--train", "--out", "--val", "--val-labels", "--meta", "--synset-words"),
            "train", Set.of("--config", "--set", "--out", "--warm-start"),
            "evaluate", Set.of("--model", "--data"),
            "export", Set.of("--model", "--out"),
            "report", Set.of("--runs"));

    @Test
    void theCommandsHereAreMainsCommands() {
        MainTest.Outcome r = main("--help");
        assertEquals(ExitCode.SUCCESS.code(), r.code());
        List<String> listed = Arrays.stream(r.out().split("\n")).filter(l -> l.startsWith("  "))
                .map(l -> l.trim().split(" ")[0]).toList();
        assertEquals(COMMANDS.stream().map(Command::name).toList(), listed);
        assertEquals(NO_DEFAULT.keySet(), Set.copyOf(listed));
    }

    @Test
    void helpNamesEveryOptionAndTheDefaultOfEachThatHasOne() {
        for (Command c : COMMANDS) {
            MainTest.Outcome r = main(c.name(), "--help");
            assertEquals(ExitCode.SUCCESS.code(), r.code(), r.err());
            assertEquals("", r.err());
            String help = r.out();
            assertTrue(help.startsWith("usage: bigbatch " + c.name() + " "), help);
            for (String flag : c.flags()) {
                assertTrue(help.contains("[" + flag + "]"), flag + " missing from " + help);
            }
            for (String option : c.valuedOptions()) {
                assertTrue(help.contains(option + " "), option + " missing from " + help);
                if (NO_DEFAULT.get(c.name()).contains(option)) {
                    continue;
                }
                int at = help.indexOf("[" + option + " ");
                assertTrue(at >= 0, option + " has a default, so it is optional: " + help);
                String shown = help.substring(at, help.indexOf(']', at));
                assertTrue(shown.contains("(default"), option + " does not show its default: " + shown);
            }
        }
    }

    @Test
    void theDefaultsShownAreTheOnesUsed() {
        assertTrue(main("synth-cifar", "--help").out().contains("[--train N (default "
                + SynthCifarCommand.DEFAULT_TRAIN + ")] [--test M (default " + SynthCifarCommand.DEFAULT_TEST + ")]"));
        assertTrue(main("prepare-cifar", "--help").out().contains("[--shards N (default "
                + PrepareCifarCommand.DEFAULT_SHARDS + ")]"));
        assertTrue(main("evaluate", "--help").out().contains("[--batch-size N (default: the run's "
                + "train.eval-batch-size, " + dev.bigbatch.jobs.run.TrainSettings.DEFAULT_EVAL_BATCH
                + " without a run directory)]"));
    }
}
