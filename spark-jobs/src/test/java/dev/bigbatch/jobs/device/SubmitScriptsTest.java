package dev.bigbatch.jobs.device;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs submit/yarn.sh, submit/k8s.sh and submit/standalone.sh with --dry-run and checks the spark-submit command
 * they print: GPU scheduling, one task per executor, memory sized by the documented formula, the Java 17 opens
 * (the list in the root pom), the cluster jar and the application's arguments. The printed command is parsed back
 * into arguments by bash itself, so quoting is checked too.
 */
class SubmitScriptsTest {
    static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    static final long RESNET50_PARAMS = 25_557_032L;
    static final List<String> APP = List.of("train", "--set", "optimizer.learning-rate=0.2", "--out", "hdfs:///r");

    @TempDir
    Path tmp;

    record Result(int exit, String out, String err) {
    }

    static Result run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(REPO.toFile());
        pb.environment().remove("SPARK_HOME");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        // Outputs are small (a few KB); read both before waiting.
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "script did not finish: " + Arrays.toString(command));
        return new Result(p.exitValue(), out, err);
    }

    static List<String> dryRun(String script, String... options) throws IOException, InterruptedException {
        return dryRun(script, List.of(options), APP);
    }

    static List<String> dryRun(String script, List<String> options, List<String> app)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", "submit/" + script, "--dry-run"));
        cmd.addAll(options);
        cmd.addAll(app);
        Result r = run(Map.of(), cmd.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        Result parsed = run(Map.of(), "bash", "-c", "eval \"a=( $1 )\"; printf '%s\\0' \"${a[@]}\"", "_", r.out());
        assertEquals(0, parsed.exit(), parsed.err());
        return List.of(parsed.out().split("\0"));
    }

    static Map<String, String> confs(List<String> args) {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.size() - 1; i++) {
            if (args.get(i).equals("--conf")) {
                String kv = args.get(i + 1);
                out.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
            }
        }
        return out;
    }

    static String after(List<String> args, String option) {
        int i = args.indexOf(option);
        assertTrue(i >= 0 && i + 1 < args.size(), option + " missing in " + args);
        return args.get(i + 1);
    }

    static List<String> pomOpens() throws IOException {
        Matcher m = Pattern.compile("<java17.opens>(.*?)</java17.opens>")
                .matcher(Files.readString(REPO.resolve("pom.xml")));
        assertTrue(m.find());
        return List.of(m.group(1).trim().split("\\s+"));
    }

    static String clusterJar() throws IOException {
        Matcher m = Pattern.compile("<finalName>(.*?)</finalName>")
                .matcher(Files.readString(REPO.resolve("spark-jobs/pom.xml")));
        assertTrue(m.find());
        return REPO.resolve("spark-jobs/target/" + m.group(1) + "-cluster.jar").toString();
    }

    /** The documented formula: off-heap = ceil(16 * 4 * P / MiB) + workspace; overhead and physical add 1 GiB. */
    static long offHeapMib(long params, long workspaceGb) {
        long mib = 1L << 20;
        return (16 * 4 * params + mib - 1) / mib + workspaceGb * 1024;
    }

    void assertCommon(List<String> args, long params, int cores) throws IOException {
        assertEquals("spark-submit", args.get(0));
        assertEquals("dev.bigbatch.jobs.Main", after(args, "--class"));
        Map<String, String> c = confs(args);
        assertEquals("1", c.get("spark.executor.resource.gpu.amount"));
        assertEquals("1", c.get("spark.task.resource.gpu.amount"));
        assertTrue(c.get("spark.executor.resource.gpu.discoveryScript").endsWith("conf/spark/gpu-discovery.sh"));
        assertEquals(String.valueOf(cores), c.get("spark.executor.cores"));
        assertEquals(String.valueOf(cores), c.get("spark.task.cpus"), "exactly one task per executor");
        assertEquals("PCI_BUS_ID", c.get("spark.executorEnv.CUDA_DEVICE_ORDER"));

        long exec = offHeapMib(params, 4);
        long driver = offHeapMib(params, 1);
        assertEquals((exec + 1024) + "m", c.get("spark.executor.memoryOverhead"));
        assertEquals((driver + 1024) + "m", c.get("spark.driver.memoryOverhead"));
        String execOpts = c.get("spark.executor.extraJavaOptions");
        String driverOpts = after(args, "--driver-java-options");
        for (String open : pomOpens()) {
            assertTrue(execOpts.contains(open), "executor lacks " + open);
            assertTrue(driverOpts.contains(open), "driver lacks " + open);
        }
        assertTrue(execOpts.endsWith("-Dorg.bytedeco.javacpp.maxbytes=" + exec + "m "
                + "-Dorg.bytedeco.javacpp.maxphysicalbytes=" + (8192 + exec + 1024) + "m"), execOpts);
        assertTrue(driverOpts.contains("-Dorg.bytedeco.javacpp.maxbytes=" + driver + "m "
                + "-Dorg.bytedeco.javacpp.maxphysicalbytes=" + (8192 + driver + 1024) + "m"), driverOpts);

        int jar = args.indexOf(clusterJar());
        assertTrue(jar > 0, "cluster jar " + clusterJar() + " in " + args);
        assertEquals(APP, args.subList(jar + 1, args.size()), "application arguments pass through unchanged");
    }

    @Test
    void yarn() throws Exception {
        List<String> args = dryRun("yarn.sh", "--model", "resnet50", "--executors", "16", "--queue", "gpu");
        assertCommon(args, RESNET50_PARAMS, 4);
        assertEquals("yarn", after(args, "--master"));
        assertEquals("cluster", after(args, "--deploy-mode"));
        assertEquals("16", after(args, "--num-executors"));
        assertEquals("gpu", after(args, "--queue"));
    }

    @Test
    void kubernetes() throws Exception {
        List<String> args = dryRun("k8s.sh", "--master", "k8s://https://api:6443", "--image", "reg/bigbatch:1",
                "--params", "1000", "--cores-per-gpu", "8", "--executors", "3", "--jar", "local:///opt/b.jar");
        Map<String, String> c = confs(args);
        assertEquals("nvidia.com", c.get("spark.executor.resource.gpu.vendor"));
        assertEquals("reg/bigbatch:1", c.get("spark.kubernetes.container.image"));
        assertEquals("3", c.get("spark.executor.instances"));
        assertEquals("8", c.get("spark.task.cpus"));
        assertEquals("k8s://https://api:6443", after(args, "--master"));
        assertEquals(APP, args.subList(args.indexOf("local:///opt/b.jar") + 1, args.size()));
        assertEquals((offHeapMib(1000, 4) + 1024) + "m", c.get("spark.executor.memoryOverhead"));
    }

    @Test
    void standalone() throws Exception {
        List<String> args = dryRun("standalone.sh", "--master", "spark://m:7077", "--model", "resnet50",
                "--executors", "4", "--conf", "spark.task.cpus=4", "--conf", "spark.eventLog.enabled=true");
        assertCommon(args, RESNET50_PARAMS, 4);
        Map<String, String> c = confs(args);
        assertEquals("16", c.get("spark.cores.max"), "4 executors of 4 cores");
        assertEquals("true", c.get("spark.eventLog.enabled"));
        assertEquals("client", after(args, "--deploy-mode"));
        assertTrue(args.lastIndexOf("spark.eventLog.enabled=true") > args.indexOf("spark.task.cpus=4"),
                "user --conf comes after the computed ones, so it wins");
    }

    @Test
    void clusterModeShipsALocalConfig() throws Exception {
        Path config = Files.writeString(tmp.resolve("exp.conf"), "model.name = resnet20\n");
        List<String> args = dryRun("yarn.sh", List.of("--model", "resnet20", "--deploy-mode", "cluster", "--"),
                List.of("train", "--config", config.toString()));
        assertEquals(config.toString(), after(args, "--files"));
        assertEquals("exp.conf", after(args, "--config"));
    }

    @Test
    void mistakesAreReportedWithUsageStatus() throws Exception {
        Result noModel = run(Map.of(), "bash", "submit/yarn.sh", "--dry-run", "train");
        assertEquals(64, noModel.exit());
        assertEquals("yarn.sh: give --model NAME or --params N so memory can be sized\n", noModel.err());
        Result badModel = run(Map.of(), "bash", "submit/k8s.sh", "--model", "vgg", "--dry-run", "train");
        assertEquals(64, badModel.exit());
        assertTrue(badModel.err().contains("unknown --model 'vgg'"), badModel.err());
        for (String name : dev.bigbatch.model.ModelSpec.NAMES) { // every model the job builds can be sized
            Result ok = run(Map.of(), "bash", "submit/yarn.sh", "--model", name, "--dry-run", "train");
            assertEquals(0, ok.exit(), name + ": " + ok.err());
        }
        Result noMaster = run(Map.of(), "bash", "submit/standalone.sh", "--model", "resnet20", "--dry-run", "x");
        assertEquals(64, noMaster.exit());
        assertTrue(noMaster.err().contains("--master spark://HOST:PORT is required"), noMaster.err());
        Result help = run(Map.of(), "bash", "submit/k8s.sh", "--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("--dry-run"));
        // local.sh without a command: the same status (never 2, which docs/EXIT_CODES.md leaves to the shell).
        Result noCommand = run(Map.of(), "bash", "submit/local.sh");
        assertEquals(64, noCommand.exit(), noCommand.err());
        assertTrue(noCommand.err().contains("submit/local.sh quickstart"), noCommand.err());
    }

    @Test
    void gpuDiscoveryScriptReportsNvidiaSmiIndices() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path smi = Files.writeString(bin.resolve("nvidia-smi"), "#!/bin/sh\nprintf '0\\n1\\n3\\n'\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
        Result r = run(Map.of("PATH", bin + ":/usr/bin:/bin"), "bash", "conf/spark/gpu-discovery.sh");
        assertEquals(0, r.exit(), r.err());
        assertEquals("{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\",\"3\"]}\n", r.out());

        Result none = run(Map.of("PATH", tmp.resolve("empty") + ":/usr/bin:/bin"), "bash",
                "conf/spark/gpu-discovery.sh");
        assumeTrue(!Files.exists(Path.of("/usr/bin/nvidia-smi")), "this machine has a real nvidia-smi");
        assertEquals(1, none.exit());
        assertTrue(none.err().startsWith("gpu-discovery.sh: nvidia-smi not found"), none.err());
    }

    @Test
    void scriptsPassShellcheck() throws Exception {
        boolean installed;
        try {
            installed = run(Map.of(), "shellcheck", "--version").exit() == 0;
        } catch (IOException e) {
            installed = false;
        }
        assumeTrue(installed, "shellcheck is not installed");
        Result r = run(Map.of(), "shellcheck", "-x", "submit/local.sh", "submit/yarn.sh", "submit/k8s.sh",
                "submit/standalone.sh", "submit/lib/common.sh", "conf/spark/gpu-discovery.sh");
        assertEquals(0, r.exit(), r.out() + r.err());
    }
}
