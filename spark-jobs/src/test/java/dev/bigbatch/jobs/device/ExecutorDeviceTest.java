package dev.bigbatch.jobs.device;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExecutorDeviceTest {

    /** A backend that records the device it was bound to. */
    static final class FakeBackend implements ExecutorDevice.Backend {
        final boolean cpu;
        final int devices;
        final List<Integer> bound = new ArrayList<>();

        FakeBackend(boolean cpu, int devices) {
            this.cpu = cpu;
            this.devices = devices;
        }

        @Override
        public boolean isCpu() {
            return cpu;
        }

        @Override
        public String name() {
            return cpu ? "CpuBackend" : "JCublasBackend";
        }

        @Override
        public int deviceCount() {
            return devices;
        }

        @Override
        public void setDevice(int device) {
            bound.add(device);
        }
    }

    @Test
    void noGpuResourceStaysOnCpu() {
        FakeBackend gpuBackend = new FakeBackend(false, 4);
        DeviceChoice c = ExecutorDevice.bind(List.of(), gpuBackend, null, new ExecutorDevice.ChoiceLog());
        assertFalse(c.isGpu());
        assertEquals("no GPU resource assigned to this task", c.reason());
        assertEquals(List.of(), gpuBackend.bound);
    }

    @Test
    void gpuOnCpuBackendFallsBackLoggedOnceWithoutCrashing() {
        // The real ND4J backend of this build is the CPU one.
        ExecutorDevice.ChoiceLog log = new ExecutorDevice.ChoiceLog();
        DeviceChoice c = ExecutorDevice.bind(List.of("0"), ExecutorDevice.nd4j(), null, log);
        assertFalse(c.isGpu());
        assertTrue(c.reason().startsWith("GPU 0 assigned, but ND4J runs on the CPU backend (CpuBackend)"),
                c.reason());
        assertFalse(log.record(c), "the same choice is logged once per JVM");
        assertTrue(log.record(DeviceChoice.cpu("something else")), "a changed choice is logged again");
    }

    @Test
    void assignedGpuIsBoundOnGpuBackend() {
        FakeBackend backend = new FakeBackend(false, 4);
        DeviceChoice c = ExecutorDevice.bind(List.of("2"), backend, null, new ExecutorDevice.ChoiceLog());
        assertEquals(DeviceChoice.gpu(2, "Spark assigned GPU 2"), c);
        assertEquals(List.of(2), backend.bound);
    }

    @Test
    void addressIsMappedThroughCudaVisibleDevices() {
        DeviceChoice c = DeviceSelection.choose(List.of("3"), false, "JCublasBackend", 2, "1,3");
        assertEquals(1, c.device());
        assertTrue(c.reason().contains("CUDA device 1 under CUDA_VISIBLE_DEVICES=1,3"), c.reason());
    }

    @Test
    void containerWithOnlyTheAssignedGpuUsesDeviceZero() {
        DeviceChoice c = DeviceSelection.choose(List.of("5"), false, "JCublasBackend", 1, null);
        assertEquals(0, c.device());
    }

    @Test
    void severalGpusUseTheFirstAndSaySo() {
        DeviceChoice c = DeviceSelection.choose(List.of("1", "2"), false, "JCublasBackend", 4, null);
        assertEquals(1, c.device());
        assertTrue(c.reason().contains("set spark.task.resource.gpu.amount=1"), c.reason());
    }

    @Test
    void unusableAddressesAreErrorsNamingThem() {
        IllegalArgumentException notIndex = assertThrows(IllegalArgumentException.class,
                () -> DeviceSelection.choose(List.of("GPU-8a1b"), false, "JCublasBackend", 2, null));
        assertTrue(notIndex.getMessage().startsWith("GPU address 'GPU-8a1b' is not a device index"));
        IllegalArgumentException unseen = assertThrows(IllegalArgumentException.class,
                () -> DeviceSelection.choose(List.of("6"), false, "JCublasBackend", 4, null));
        assertTrue(unseen.getMessage().startsWith("Spark assigned GPU 6 but ND4J sees only 4 CUDA device(s)"));
    }

    @Test
    void outsideATaskAndInALocalTaskWithoutGpusStaysOnCpu() {
        assertEquals("no GPU resource assigned to this task", ExecutorDevice.bindForCurrentTask().reason());
        SparkSession spark = SparkSession.builder().master("local[1]").appName("ExecutorDeviceTest").getOrCreate();
        List<String> reasons = new JavaSparkContext(spark.sparkContext()).parallelize(List.of(1, 2), 2)
                .map(i -> ExecutorDevice.bindForCurrentTask().toString()).collect();
        assertEquals(List.of("CPU (no GPU resource assigned to this task)",
                "CPU (no GPU resource assigned to this task)"), reasons);
    }
}
