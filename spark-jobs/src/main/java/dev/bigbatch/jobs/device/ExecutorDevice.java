package dev.bigbatch.jobs.device;

import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Binds the current task's thread to the GPU Spark assigned to the task, or leaves it on the CPU.
 *
 * <p>Call {@link #bindForCurrentTask()} at the start of every task that computes with ND4J, before it creates any
 * array: ND4J's device affinity is per thread and Spark runs tasks on pooled threads. Binding uses
 * {@code AffinityManager.unsafeSetDevice}, the backend-neutral call (a no-op on the CPU backend). The choice is logged
 * once per executor JVM, and again only if it changes.
 */
public final class ExecutorDevice {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorDevice.class);
    /** Spark's name for the resource, as in {@code spark.executor.resource.gpu.amount}. */
    public static final String RESOURCE = "gpu";
    private static final ChoiceLog LOGGED = new ChoiceLog();

    /** What binding needs from ND4J; the real one is {@link #nd4j()}. */
    interface Backend {
        boolean isCpu();

        String name();

        int deviceCount();

        void setDevice(int device);
    }

    private ExecutorDevice() {
    }

    /** Binds the current thread for the running Spark task; outside a task (the driver) it stays on the CPU. */
    public static DeviceChoice bindForCurrentTask() {
        return bind(assignedGpus(TaskContext.get()));
    }

    /** The {@code gpu} addresses assigned to {@code task}; empty for null (not in a task) or none assigned. */
    public static List<String> assignedGpus(TaskContext task) {
        if (task == null) {
            return List.of();
        }
        ResourceInformation gpu = task.resourcesJMap().get(RESOURCE);
        return gpu == null ? List.of() : Arrays.asList(gpu.addresses());
    }

    /** Binds the current thread to the device for {@code gpuAddresses} on ND4J's backend. */
    public static DeviceChoice bind(List<String> gpuAddresses) {
        return bind(gpuAddresses, nd4j(), System.getenv("CUDA_VISIBLE_DEVICES"), LOGGED);
    }

    static DeviceChoice bind(List<String> gpuAddresses, Backend backend, String cudaVisibleDevices, ChoiceLog log) {
        DeviceChoice choice = DeviceSelection.choose(gpuAddresses, backend.isCpu(), backend.name(),
                backend.isCpu() ? 0 : backend.deviceCount(), cudaVisibleDevices);
        if (choice.isGpu()) {
            backend.setDevice(choice.device());
        }
        log.record(choice);
        return choice;
    }

    /** Logs a device choice the first time and whenever it changes; one per executor JVM in production. */
    static final class ChoiceLog {
        private final AtomicReference<DeviceChoice> last = new AtomicReference<>();

        /** Returns whether a line was logged. */
        boolean record(DeviceChoice choice) {
            DeviceChoice previous = last.getAndSet(choice);
            if (previous == null) {
                LOG.info("bigbatch executor computes on {}", choice);
                return true;
            }
            if (!previous.equals(choice)) {
                LOG.warn("bigbatch executor device changed from {} to {}", previous, choice);
                return true;
            }
            return false;
        }
    }

    static Backend nd4j() {
        return new Backend() {
            @Override
            public boolean isCpu() {
                return Nd4j.getEnvironment().isCPU();
            }

            @Override
            public String name() {
                return Nd4j.getBackend().getClass().getSimpleName();
            }

            @Override
            public int deviceCount() {
                return Nd4j.getAffinityManager().getNumberOfDevices();
            }

            @Override
            public void setDevice(int device) {
                Nd4j.getAffinityManager().unsafeSetDevice(device);
            }
        };
    }
}
