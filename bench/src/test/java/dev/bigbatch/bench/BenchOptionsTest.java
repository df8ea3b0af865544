package dev.bigbatch.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Option parsing of the benches: what is accepted, what each getter returns, and what fails with which message. */
class BenchOptionsTest {
    static BenchOptions.Declaration kfacStep() {
        return BenchOptions.declare("KfacStepBench").keys("model", "batch", "threads").keys("rounds", "inverse-on");
    }

    static String failure(BenchOptions.Declaration d, String... args) {
        return assertThrows(IllegalArgumentException.class, () -> d.parse(args)).getMessage();
    }

    @Test
    void unknownKeyFailsNamingBenchArgumentAndKnownKeys() {
        assertEquals("KfacStepBench: unknown option round=3; known keys: model, batch, threads, rounds, inverse-on",
                failure(kfacStep(), "batch=64", "round=3"));
        assertTrue(failure(kfacStep(), "=3").startsWith("KfacStepBench: unknown option =3; "));
    }

    @Test
    void keyGivenTwiceFails() {
        assertEquals("KfacStepBench: batch given twice (batch=64, then batch=128); known keys: model, batch, threads, "
                + "rounds, inverse-on", failure(kfacStep(), "batch=64", "batch=128"));
    }

    @Test
    void bareArgumentFailsWhenTheBenchTakesNone() {
        assertTrue(failure(kfacStep(), "rounds").startsWith("KfacStepBench: unexpected argument rounds; known keys: "));
    }

    @Test
    void typedGettersReadGivenValuesAndDefaultsOtherwise() {
        BenchOptions o = BenchOptions.declare("B").keys("s", "i", "l", "d", "list", "empty", "absent")
                .parse("s=a=b", "i=-3", "l=25600000000", "d=1e-4", "list=x,y", "empty=");
        assertEquals("a=b", o.getString("s", "z")); // split at the first '='
        assertEquals(-3, o.getInt("i", 7));
        assertEquals(25_600_000_000L, o.getLong("l", 7));
        assertEquals(1e-4, o.getDouble("d", 7));
        assertEquals(List.of("x", "y"), o.getList("list", List.of("z")));
        assertEquals(List.of(), o.getList("empty", List.of("z")));
        assertEquals("", o.getString("empty", "z"));
        assertTrue(o.has("empty"));
        assertFalse(o.has("absent"));
        assertEquals("z", o.getString("absent", "z"));
        assertEquals(7, o.getInt("absent", 7));
        assertEquals(7L, o.getLong("absent", 7));
        assertEquals(0.5, o.getDouble("absent", 0.5));
        assertEquals(List.of("z"), o.getList("absent", List.of("z")));
        assertArrayEquals(new double[]{1}, o.getDoubles("absent", new double[]{1}));
    }

    @Test
    void malformedValuesFailNamingKeyValueAndKnownKeys() {
        BenchOptions o = kfacStep().parse("batch=64x", "rounds=", "threads=2.5", "model=3");
        assertEquals("KfacStepBench: batch=64x is not an integer; known keys: model, batch, threads, rounds, "
                + "inverse-on",
                assertThrows(IllegalArgumentException.class, () -> o.getInt("batch", 512)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> o.getInt("rounds", 4)).getMessage()
                .startsWith("KfacStepBench: rounds= is not an integer; known keys: "));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> o.getLong("threads", 2)).getMessage()
                .startsWith("KfacStepBench: threads=2.5 is not an integer; "));
        assertEquals(3.0, o.getDouble("model", 0)); // the same text is a fine number

        BenchOptions lists = BenchOptions.declare("B").keys("a", "b", "c", "d").parse("a=1,,2", "b=1,", "c=0.1,x",
                "d=2147483648");
        assertThrows(IllegalArgumentException.class, () -> lists.getList("a", List.of()));
        assertThrows(IllegalArgumentException.class, () -> lists.getList("b", List.of()));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> lists.getDoubles("c", null)).getMessage()
                .startsWith("B: c=0.1,x is not a comma-separated list of numbers; "));
        assertThrows(IllegalArgumentException.class, () -> lists.getInt("d", 0)); // overflows an int
        assertEquals(2147483648L, lists.getLong("d", 0));
    }

    @Test
    void customParserFailuresNameTheExpectedValues() {
        BenchOptions o = kfacStep().parse("inverse-on=gpu");
        String message = assertThrows(IllegalArgumentException.class, () -> o.get("inverse-on", "executors",
                v -> {
                    if (!Set.of("driver", "executors").contains(v)) {
                        throw new IllegalArgumentException("unknown location " + v);
                    }
                    return v;
                }, "driver or executors")).getMessage();
        assertTrue(message.startsWith("KfacStepBench: inverse-on=gpu is not driver or executors; known keys: "),
                message);
        assertTrue(o.invalid("inverse-on", "is wrong").getMessage().startsWith("KfacStepBench: inverse-on=gpu is "
                + "wrong; known keys: "));
    }

    @Test
    void prefixKeysAreAcceptedAndListedInOrder() {
        BenchOptions.Declaration d = BenchOptions.declare("ConvergenceBench").keys("cap").prefix("rates.");
        BenchOptions o = d.parse("rates.kfac=0.1", "cap=1", "rates.adam=0.001,0.003");
        assertEquals(List.of("rates.kfac", "rates.adam"), o.keysWithPrefix("rates."));
        assertArrayEquals(new double[]{0.001, 0.003}, o.getDoubles("rates.adam", null));
        assertArrayEquals(new double[]{0.5}, o.getDoubles("rates.momentum", new double[]{0.5}));
        // The prefix alone, or a key merely containing it, is not a key.
        assertEquals("ConvergenceBench: unknown option rates.=1; known keys: cap, rates.<name>",
                failure(d, "rates.=1"));
        assertTrue(failure(d, "xrates.adam=1").startsWith("ConvergenceBench: unknown option xrates.adam=1; "));
        assertTrue(failure(d, "rates.adam=1", "rates.adam=2").startsWith("ConvergenceBench: rates.adam given twice"));
    }

    @Test
    void positionalArgumentsFillNamedKeysInOrder() {
        BenchOptions.Declaration d = BenchOptions.declare("OptimizerStepBench")
                .positional("parameters", "rounds", "steps-per-round").keys("weight-decay");
        BenchOptions o = d.parse("100000", "weight-decay=1e-4", "2");
        assertEquals(100_000L, o.getLong("parameters", 25_600_000L));
        assertEquals(2, o.getInt("rounds", 7));
        assertEquals(5, o.getInt("steps-per-round", 5));
        assertEquals(1e-4, o.getDouble("weight-decay", 0));
        assertEquals(3, d.parse("rounds=3").getInt("rounds", 7)); // also by name
        assertEquals("OptimizerStepBench: unexpected argument 4 (at most 3 bare arguments); known keys: parameters, "
                + "rounds, steps-per-round, weight-decay; bare arguments fill, in order: parameters, rounds, "
                + "steps-per-round", failure(d, "1", "2", "3", "4"));
        assertTrue(failure(d, "1", "parameters=2").startsWith("OptimizerStepBench: parameters given twice"));
        BenchOptions bad = d.parse("1e5");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> bad.getLong("parameters", 0)).getMessage()
                .startsWith("OptimizerStepBench: parameters=1e5 is not an integer; "));
    }

    @Test
    void wordsComeFromTheirSetOnceEach() {
        BenchOptions.Declaration d = BenchOptions.declare("ImagePipelineBench").words("decode", "prefetch", "prepare");
        assertEquals(List.of("prepare", "decode"), List.copyOf(d.parse("prepare", "decode").words()));
        assertEquals(Set.of(), d.parse().words());
        assertEquals("ImagePipelineBench: unexpected argument decod; known keys: none; bare arguments: any of decode, "
                + "prefetch, prepare", failure(d, "decod"));
        assertTrue(failure(d, "decode", "decode").startsWith("ImagePipelineBench: argument decode given twice; "));
        assertTrue(failure(d, "images=5").startsWith("ImagePipelineBench: unknown option images=5; "));
    }

    @Test
    void askingForAnUndeclaredKeyIsAProgrammingError() {
        BenchOptions o = kfacStep().parse();
        assertThrows(IllegalStateException.class, () -> o.getInt("round", 4));
        assertThrows(IllegalStateException.class, () -> o.keysWithPrefix("rates."));
        assertThrows(IllegalStateException.class, () -> BenchOptions.declare("B").words("a").positional("n"));
    }
}
