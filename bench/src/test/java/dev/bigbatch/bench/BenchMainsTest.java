package dev.bigbatch.bench;

import dev.bigbatch.jobs.train.EvaluationLayoutBench;
import dev.bigbatch.jobs.train.SparkStepBench;
import dev.bigbatch.jobs.train.SparkStepFixture;
import dev.bigbatch.optimizer.kfac.InverseLocation;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every bench main's options, read as its main reads them but without running it: the usage lists every key the bench
 * reads with the default it uses, {@code --help} prints it, a bad option fails before any work, and the commands
 * recorded in docs/BENCHMARKS.md still parse to the settings they were run with.
 */
class BenchMainsTest {
    /** A main: its name, its declaration and how it reads its settings (what its {@code main} hands the runner). */
    record Bench(String name, Supplier<BenchDeclaration> options, Function<BenchOptions, ?> read) {
        Object settings(String... args) {
            return read.apply(options.get().parse(args));
        }
    }

    static final List<Bench> BENCHES = List.of(
            new Bench("CifarPipelineBench", CifarPipelineBench::options, CifarPipelineBench::read),
            new Bench("ConvergenceBench", ConvergenceOptions::declaration, ConvergenceOptions::new),
            new Bench("EvaluationLayoutBench", EvaluationLayoutBench::options, EvaluationLayoutBench::read),
            new Bench("ImagePipelineBench", ImagePipelineBench::options, ImagePipelineBench::read),
            new Bench("KfacFactorCostBench", KfacFactorCostBench::options, KfacFactorCostBench::read),
            new Bench("KfacStepBench", KfacStepBench::options, KfacStepBench::read),
            new Bench("OptimizerStepBench", OptimizerStepBench::options, OptimizerStepBench::read),
            new Bench("SparkStepBench", SparkStepBench::options, SparkStepBench::read));

    /** Arguments that make each bench read its prefixed keys too. */
    static String[] withPrefixedKeys(Bench b) {
        return b.name().equals("ConvergenceBench") ? new String[]{"rates.adam=0.1"} : new String[0];
    }

    @Test
    void theUsageListsEveryKeyTheBenchReadsWithTheDefaultItUses() {
        for (Bench b : BENCHES) {
            BenchDeclaration d = b.options().get();
            assertEquals(b.name(), d.bench());
            BenchOptions o = d.parse(withPrefixedKeys(b));
            b.read().apply(o); // every default parses with its getter; an undeclared key would throw here
            String usage = d.usage();
            assertTrue(usage.startsWith("usage: " + b.name() + " "), usage);
            Set<String> read = new HashSet<>(o.keysRead());
            for (String key : read) {
                String shown = key.startsWith(ConvergenceOptions.RATES) ? "\n  rates.NAME="
                        : "\n  " + key + "=" + d.defaultValue(key) + " ";
                assertTrue(usage.contains(shown), b.name() + "'s usage lacks " + shown.trim() + ":\n" + usage);
            }
            // ... and lists no key the bench ignores.
            read.removeIf(k -> k.startsWith(ConvergenceOptions.RATES));
            assertEquals(d.keys(), read, b.name() + " declares keys it never reads, or reads keys not declared");
        }
    }

    @Test
    void helpPrintsEachUsageAndBadOptionsFailBeforeAnyWork() {
        for (Bench b : BENCHES) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
            PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
            BenchRunner.Work<Object> never = s -> {
                throw new AssertionError(b.name() + " ran");
            };
            assertEquals(0, BenchRunner.run(new String[]{"--help"}, b.options().get(), b.read(), never, o, e));
            assertEquals(b.options().get().usage(), out.toString(StandardCharsets.UTF_8));

            out.reset();
            assertEquals(78, BenchRunner.run(new String[]{"no-such-key=1"}, b.options().get(), b.read(), never, o, e));
            String message = err.toString(StandardCharsets.UTF_8);
            assertTrue(message.startsWith(b.name() + ": unknown option no-such-key=1; known keys: "), message);
            assertTrue(message.contains("\nusage: " + b.name()), message);
            assertEquals("", out.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void recordedCommandsParseToTheirSettings() {
        SparkStepFixture.Settings kfacFixture = new SparkStepFixture.Settings("KfacStepBench", "resnet20", 512, 2);
        Bench kfac = bench("KfacStepBench");
        assertEquals(new KfacStepBench.Settings(kfacFixture, 4, 10, 100, InverseLocation.EXECUTORS),
                kfac.settings());
        assertEquals(new KfacStepBench.Settings(new SparkStepFixture.Settings("KfacStepBench", "resnet20", 256, 2), 3,
                10, 100, InverseLocation.EXECUTORS), kfac.settings("batch=256", "rounds=3"));
        assertEquals(new KfacStepBench.Settings(new SparkStepFixture.Settings("KfacStepBench", "resnet20", 64, 2), 2,
                10, 100, InverseLocation.DRIVER), kfac.settings("batch=64", "rounds=2", "inverse-on=driver"));
        assertEquals(new SparkStepBench.Settings(new SparkStepFixture.Settings("SparkStepBench", "resnet20", 512, 2),
                6, 2), bench("SparkStepBench").settings("steps=6", "warmup=2"));
        assertEquals(new KfacFactorCostBench.Settings("resnet20", 32, 7), bench("KfacFactorCostBench")
                .settings("rounds=7"));
        Bench step = bench("OptimizerStepBench");
        assertEquals(new OptimizerStepBench.Settings(25_600_000, 7, 5, 0, "l2"), step.settings());
        assertEquals(new OptimizerStepBench.Settings(25_600_000, 7, 5, 1e-4, "decoupled"),
                step.settings("weight-decay=1e-4", "weight-decay-mode=decoupled"));
        assertEquals(new OptimizerStepBench.Settings(1_000_000, 2, 1, 0, "l2"), step.settings("1000000", "2", "1"));
        assertEquals(Set.of("decode", "prefetch", "prepare"), bench("ImagePipelineBench").settings());
        assertEquals(Set.of("decode"), bench("ImagePipelineBench").settings("decode"));
        assertEquals(400_000, bench("CifarPipelineBench").settings());
        assertEquals(1000, bench("CifarPipelineBench").settings("1000"));
    }

    @Test
    void valuesTheBenchCannotRunWithAreOptionErrors() {
        assertEquals("KfacStepBench: inv=15 is not a multiple of cov=10 above it", message("KfacStepBench", "inv=15"));
        assertEquals("KfacStepBench: inv=10 is not a multiple of cov=10 above it", message("KfacStepBench", "inv=10"));
        assertEquals("KfacStepBench: inverse-on=gpu is not one of driver, executors",
                message("KfacStepBench", "inverse-on=gpu"));
        assertEquals("SparkStepBench: batch=100 is not a multiple of the ghost batch 32",
                message("SparkStepBench", "batch=100"));
        assertTrue(message("SparkStepBench", "model=resnet21")
                .startsWith("SparkStepBench: model=resnet21 is not one of small-cnn, resnet8, "));
        assertEquals("OptimizerStepBench: parameters=100000 is not an integer >= 106241",
                message("OptimizerStepBench", "100000"));
        assertEquals("OptimizerStepBench: weight-decay-mode=l1 is not one of l2, decoupled",
                message("OptimizerStepBench", "weight-decay-mode=l1"));
        assertEquals("OptimizerStepBench: weight-decay=-1e-4 is not a number in [0, 1.0]",
                message("OptimizerStepBench", "weight-decay=-1e-4"));
        assertEquals("OptimizerStepBench: weight-decay=2 is not a number in [0, 1.0]",
                message("OptimizerStepBench", "weight-decay=2"));
        assertEquals("ConvergenceBench: batch=100 is not a multiple of ghost=32", message("ConvergenceBench",
                "batch=100"));
        assertEquals("KfacFactorCostBench: rounds=0 is not an integer >= 1",
                message("KfacFactorCostBench", "rounds=0"));
        assertEquals("CifarPipelineBench: images=-5 is not an integer >= 1", message("CifarPipelineBench", "-5"));
    }

    /** Such a value ends the main with the option-error status before any work, as an unknown key does. */
    @Test
    void optionsThatCannotWorkTogetherEndWithTheOptionErrorStatus() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        Bench b = bench("ConvergenceBench");
        BenchRunner.Work<Object> never = s -> {
            throw new AssertionError("ConvergenceBench ran");
        };
        assertEquals(78, BenchRunner.run(new String[]{"batch=100", "ghost=32"}, b.options().get(), b.read(), never,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), e));
        assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("ConvergenceBench: batch=100 is not a multiple of "
                + "ghost=32\nusage: ConvergenceBench"), err.toString(StandardCharsets.UTF_8));
    }

    static Bench bench(String name) {
        return BENCHES.stream().filter(b -> b.name().equals(name)).findFirst().orElseThrow();
    }

    static String message(String bench, String... args) {
        try {
            bench(bench).settings(args);
        } catch (BenchOptionError e) {
            return e.getMessage();
        }
        return "";
    }
}
