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
    static BenchDeclaration kfacStep() {
        return BenchOptions.declare("KfacStepBench", "summary").key("model", "resnet20", "m").key("batch", 512, "b")
                .key("threads", 2, "t").key("rounds", 4, "r").key("inverse-on", "executors", "i");
    }

    static String failure(BenchDeclaration d, String... args) {
        return assertThrows(BenchOptionError.class, () -> d.parse(args)).getMessage();
    }

    @Test
    void unknownKeyFailsNamingBenchArgumentAndKnownKeys() {
        assertEquals("KfacStepBench: unknown option round=3; known keys: model, batch, threads, rounds, inverse-on",
                failure(kfacStep(), "batch=64", "round=3"));
        assertTrue(failure(kfacStep(), "=3").startsWith("KfacStepBench: unknown option =3; "));
    }

    @Test
    void keyGivenTwiceFails() {
        assertEquals("KfacStepBench: batch given twice (batch=64, then batch=128)",
                failure(kfacStep(), "batch=64", "batch=128"));
    }

    @Test
    void bareArgumentFailsWhenTheBenchTakesNone() {
        assertEquals("KfacStepBench: unexpected argument rounds; options are key=value, known keys: model, batch, "
                + "threads, rounds, inverse-on", failure(kfacStep(), "rounds"));
    }

    @Test
    void typedGettersReadGivenValuesAndDefaultsOtherwise() {
        BenchOptions o = BenchOptions.declare("B", "summary").key("s", "z", "").key("i", 7, "").key("l", 7L, "")
                .key("d", 0.5, "").key("list", "z", "").key("empty", "z", "").key("absent", "z", "")
                .key("n", 7, "").key("nl", "1,2", "")
                .parse("s=a=b", "i=-3", "l=25600000000", "d=1e-4", "list=x,y", "empty=");
        assertEquals("a=b", o.getString("s")); // split at the first '='
        assertEquals(-3, o.getInt("i"));
        assertEquals(25_600_000_000L, o.getLong("l"));
        assertEquals(1e-4, o.getDouble("d"));
        assertEquals(List.of("x", "y"), o.getList("list"));
        assertEquals(List.of(), o.getList("empty"));
        assertEquals("", o.getString("empty"));
        assertTrue(o.has("empty"));
        assertFalse(o.has("absent"));
        assertEquals("z", o.getString("absent"));
        assertEquals(List.of("z"), o.getList("absent"));
        // Defaults are parsed by the getter that asks.
        assertEquals(7, o.getInt("n"));
        assertEquals(7L, o.getLong("n"));
        assertEquals(7.0, o.getDouble("n"));
        assertEquals(7, o.getIntAtLeast("n", 7));
        assertArrayEquals(new double[]{1, 2}, o.getDoubles("nl"));
        assertEquals("z", o.getOneOf("absent", List.of("y", "z")));
    }

    @Test
    void malformedValuesFailNamingKeyValueAndWhatIsExpected() {
        BenchOptions o = kfacStep().parse("batch=64x", "rounds=", "threads=2.5", "model=3");
        assertEquals("KfacStepBench: batch=64x is not an integer",
                assertThrows(BenchOptionError.class, () -> o.getInt("batch")).getMessage());
        assertEquals("KfacStepBench: rounds= is not an integer >= 1",
                assertThrows(BenchOptionError.class, () -> o.getIntAtLeast("rounds", 1)).getMessage());
        assertEquals("KfacStepBench: threads=2.5 is not an integer",
                assertThrows(BenchOptionError.class, () -> o.getLong("threads")).getMessage());
        assertEquals(3.0, o.getDouble("model")); // the same text is a fine number
        assertEquals("KfacStepBench: model=3 is not one of small-cnn, resnet20",
                assertThrows(BenchOptionError.class, () -> o.getOneOf("model", List.of("small-cnn", "resnet20")))
                        .getMessage());

        BenchOptions lists = BenchOptions.declare("B", "summary").key("a", "", "").key("b", "", "").key("c", "", "")
                .key("d", 0, "").key("e", 1, "").parse("a=1,,2", "b=1,", "c=0.1,x", "d=2147483648", "e=0");
        assertThrows(BenchOptionError.class, () -> lists.getList("a"));
        assertThrows(BenchOptionError.class, () -> lists.getList("b"));
        assertEquals("B: c=0.1,x is not a comma-separated list of numbers",
                assertThrows(BenchOptionError.class, () -> lists.getDoubles("c")).getMessage());
        assertThrows(BenchOptionError.class, () -> lists.getInt("d")); // overflows an int
        assertEquals(2147483648L, lists.getLong("d"));
        assertEquals("B: e=0 is not an integer >= 1",
                assertThrows(BenchOptionError.class, () -> lists.getIntAtLeast("e", 1)).getMessage());
        assertEquals(0, lists.getIntAtLeast("e", 0));
    }

    @Test
    void customParserFailuresNameTheExpectedValues() {
        BenchOptions o = kfacStep().parse("inverse-on=gpu");
        String message = assertThrows(BenchOptionError.class, () -> o.get("inverse-on", v -> {
            if (!Set.of("driver", "executors").contains(v)) {
                throw new IllegalArgumentException("unknown location " + v);
            }
            return v;
        }, "driver or executors")).getMessage();
        assertEquals("KfacStepBench: inverse-on=gpu is not driver or executors", message);
        assertEquals("KfacStepBench: inverse-on=gpu is wrong", o.invalid("inverse-on", "is wrong").getMessage());
        assertEquals("KfacStepBench: rounds=4 (the default) is odd", o.invalid("rounds", "is odd").getMessage());
    }

    @Test
    void prefixKeysAreAcceptedAndListedInOrder() {
        BenchDeclaration d = BenchOptions.declare("ConvergenceBench", "summary").key("cap", 50, "")
                .prefix("rates.", "NAME=r1,...", "");
        BenchOptions o = d.parse("rates.kfac=0.1", "cap=1", "rates.adam=0.001,0.003");
        assertEquals(List.of("rates.kfac", "rates.adam"), o.keysWithPrefix("rates."));
        assertArrayEquals(new double[]{0.001, 0.003}, o.getDoubles("rates.adam"));
        // A prefixed key has no default: asking for one not given is a programming error.
        assertThrows(IllegalStateException.class, () -> o.getDoubles("rates.momentum"));
        // The prefix alone, or a key merely containing it, is not a key.
        assertEquals("ConvergenceBench: unknown option rates.=1; known keys: cap, rates.NAME", failure(d, "rates.=1"));
        assertTrue(failure(d, "xrates.adam=1").startsWith("ConvergenceBench: unknown option xrates.adam=1; "));
        assertTrue(failure(d, "rates.adam=1", "rates.adam=2").startsWith("ConvergenceBench: rates.adam given twice"));
    }

    @Test
    void positionalArgumentsFillNamedKeysInOrder() {
        BenchDeclaration d = BenchOptions.declare("OptimizerStepBench", "summary")
                .positional("parameters", 25_600_000, "").positional("rounds", 7, "")
                .positional("steps-per-round", 5, "").key("weight-decay", 0, "");
        BenchOptions o = d.parse("100000", "weight-decay=1e-4", "2");
        assertEquals(100_000L, o.getLong("parameters"));
        assertEquals(2, o.getInt("rounds"));
        assertEquals(5, o.getInt("steps-per-round"));
        assertEquals(1e-4, o.getDouble("weight-decay"));
        assertEquals(3, d.parse("rounds=3").getInt("rounds")); // also by name
        assertEquals("OptimizerStepBench: unexpected argument 4; at most 3 bare arguments, filling parameters, rounds, "
                + "steps-per-round", failure(d, "1", "2", "3", "4"));
        assertTrue(failure(d, "1", "parameters=2").startsWith("OptimizerStepBench: parameters given twice"));
        BenchOptions bad = d.parse("1e5");
        assertEquals("OptimizerStepBench: parameters=1e5 is not an integer",
                assertThrows(BenchOptionError.class, () -> bad.getLong("parameters")).getMessage());
    }

    @Test
    void wordsComeFromTheirSetOnceEach() {
        BenchDeclaration d = BenchOptions.declare("ImagePipelineBench", "summary").word("decode", "")
                .word("prefetch", "").word("prepare", "");
        assertEquals(List.of("prepare", "decode"), List.copyOf(d.parse("prepare", "decode").words()));
        assertEquals(Set.of(), d.parse().words());
        assertEquals("ImagePipelineBench: unexpected argument decod; bare arguments: any of decode, prefetch, prepare",
                failure(d, "decod"));
        assertEquals("ImagePipelineBench: argument decode given twice", failure(d, "decode", "decode"));
        assertEquals("ImagePipelineBench: unknown option images=5; known keys: none", failure(d, "images=5"));
    }

    @Test
    void programmingErrorsAreNotOptionErrors() {
        BenchOptions o = kfacStep().parse();
        assertThrows(IllegalStateException.class, () -> o.getInt("round")); // not declared
        assertThrows(IllegalStateException.class, () -> o.keysWithPrefix("rates."));
        // A declared default its own getter rejects.
        BenchOptions wrong = BenchOptions.declare("B", "summary").key("n", "seven", "").parse();
        assertEquals("B: the default n=seven is not an integer",
                assertThrows(IllegalStateException.class, () -> wrong.getInt("n")).getMessage());
        assertThrows(IllegalStateException.class, () -> BenchOptions.declare("B", "s").word("a", "")
                .positional("n", 1, ""));
        assertThrows(IllegalStateException.class, () -> kfacStep().key("batch", 1, ""));
        assertThrows(IllegalStateException.class, () -> BenchOptions.declare("B", "s").prefix("rates.", "N=r", "")
                .key("rates.adam", 1, ""));
        assertThrows(IllegalStateException.class, () -> BenchOptions.declare("B", "s").key("rates.adam", 1, "")
                .prefix("rates.", "N=r", ""));
    }

    @Test
    void gettersRecordTheKeysTheyRead() {
        BenchOptions o = kfacStep().parse("batch=64");
        o.getInt("batch");
        o.getString("model");
        o.has("threads");
        assertEquals(Set.of("batch", "model", "threads"), o.keysRead());
    }
}
