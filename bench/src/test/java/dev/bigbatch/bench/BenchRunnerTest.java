package dev.bigbatch.bench;

import dev.bigbatch.jobs.exit.ExitCode;
import dev.bigbatch.optimizer.config.ConfigError;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How a bench's main ends: option errors with one line and the usage (status 78, nothing run), {@code --help} with the
 * usage (status 0), failures during the run with their message and stack trace (status by {@link ExitCode#of}).
 */
class BenchRunnerTest {
    /** What one call of {@link BenchRunner#run} printed and returned, and whether the work ran. */
    record Outcome(int status, String out, String err, List<Integer> worked) {
        String firstErrorLine() {
            return err.lines().findFirst().orElse("");
        }
    }

    static BenchDeclaration declaration() {
        return BenchOptions.declare("TestBench", "A bench for tests").key("rounds", 3, "timed rounds")
                .key("model", "resnet20", "model");
    }

    static final Function<BenchOptions, Integer> READ = o -> {
        o.getOneOf("model", List.of("resnet20", "small-cnn"));
        return o.getIntAtLeast("rounds", 1);
    };

    static Outcome run(BenchRunner.Work<Integer> work, Function<BenchOptions, Integer> read, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<Integer> worked = new ArrayList<>();
        int status = BenchRunner.run(args, declaration(), read, rounds -> {
            worked.add(rounds);
            work.run(rounds);
        }, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), worked);
    }

    static Outcome run(String... args) {
        return run(rounds -> { }, READ, args);
    }

    @Test
    void unknownKeyIsAUsageErrorNamingTheKey() {
        Outcome o = run("round=3");
        assertEquals(ExitCode.CONFIG_ERROR.code(), o.status());
        assertEquals(78, o.status()); // as docs/EXIT_CODES.md says
        assertEquals("TestBench: unknown option round=3; known keys: rounds, model", o.firstErrorLine());
        assertEquals("TestBench: unknown option round=3; known keys: rounds, model\n" + declaration().usage(),
                o.err());
        assertEquals("", o.out());
        assertEquals(List.of(), o.worked(), "nothing runs after an option error");
    }

    @Test
    void malformedAndOutOfRangeValuesAreUsageErrors() {
        Outcome malformed = run("rounds=3x");
        assertEquals(78, malformed.status());
        assertEquals("TestBench: rounds=3x is not an integer >= 1", malformed.firstErrorLine());
        assertTrue(malformed.err().endsWith(declaration().usage()));
        assertEquals(List.of(), malformed.worked());

        Outcome range = run("rounds=0");
        assertEquals(78, range.status());
        assertEquals("TestBench: rounds=0 is not an integer >= 1", range.firstErrorLine());

        Outcome twice = run("model=small-cnn", "model=resnet20");
        assertEquals(78, twice.status());
        assertEquals("TestBench: model given twice (model=small-cnn, then model=resnet20)", twice.firstErrorLine());

        Outcome bare = run("5");
        assertEquals(78, bare.status());
        assertEquals("TestBench: unexpected argument 5; options are key=value, known keys: rounds, model",
                bare.firstErrorLine());
    }

    @Test
    void helpPrintsTheUsageAndSucceedsWithoutRunning() {
        for (String help : List.of("--help", "-h", "help")) {
            Outcome o = run("rounds=2", help, "no-such=key");
            assertEquals(0, o.status(), help);
            assertEquals(declaration().usage(), o.out(), help);
            assertEquals("", o.err(), help);
            assertEquals(List.of(), o.worked(), help);
        }
        assertTrue(declaration().usage().startsWith("usage: TestBench [key=value]...\nA bench for tests\n"));
        // Only the whole argument asks for help.
        assertEquals(78, run("model=help").status());
    }

    @Test
    void validOptionsRunTheWork() {
        Outcome o = run("rounds=5");
        assertEquals(0, o.status());
        assertEquals(List.of(5), o.worked());
        assertEquals("", o.err());
        assertEquals(List.of(3), run().worked()); // the declared default
    }

    @Test
    void failuresDuringTheRunKeepTheirMessageAndStackTrace() {
        Outcome o = run(rounds -> {
            throw new IllegalStateException("disk on fire");
        }, READ, "rounds=2");
        assertEquals(ExitCode.INTERNAL_ERROR.code(), o.status());
        assertEquals("TestBench: internal error: disk on fire", o.firstErrorLine());
        assertTrue(o.err().contains("java.lang.IllegalStateException: disk on fire\n\tat "), o.err());
        assertFalse(o.err().contains("usage:"), "a failure during the run is not a usage error");
        assertEquals(List.of(2), o.worked());

        Outcome error = run(rounds -> {
            throw new OutOfMemoryError("Java heap space");
        }, READ);
        assertEquals(ExitCode.INTERNAL_ERROR.code(), error.status());
        assertEquals("TestBench: internal error: Java heap space", error.firstErrorLine());

        // A recognised failure gets its own status, as in bigbatch's Main, and still its stack trace.
        Outcome config = run(rounds -> {
            throw new ConfigError("train.steps", "must be positive");
        }, READ);
        assertEquals(ExitCode.CONFIG_ERROR.code(), config.status());
        assertEquals("TestBench: config error: train.steps: must be positive", config.firstErrorLine());
        assertTrue(config.err().contains("\tat "));
        assertFalse(config.err().contains("usage:"));

        Outcome noMessage = run(rounds -> {
            throw new NullPointerException();
        }, READ);
        assertEquals("TestBench: internal error: java.lang.NullPointerException", noMessage.firstErrorLine());
    }

    @Test
    void readingAnUndeclaredKeyIsABugNotAUsageError() {
        Outcome o = run(rounds -> { }, options -> options.getInt("round"));
        assertEquals(ExitCode.INTERNAL_ERROR.code(), o.status());
        assertEquals("TestBench: internal error: TestBench did not declare the option round", o.firstErrorLine());
        assertTrue(o.err().contains("\tat "));
        assertEquals(List.of(), o.worked());
    }
}
