package dev.bigbatch.jobs.device;

import java.util.Arrays;
import java.util.List;

/**
 * Chooses the device for a task from the GPU addresses Spark assigned to it. A pure function of its inputs, so every
 * case is testable without a GPU.
 *
 * <p>Spark's addresses are whatever the discovery script reported: {@code conf/spark/gpu-discovery.sh} reports
 * {@code nvidia-smi} indices, which ignore {@code CUDA_VISIBLE_DEVICES} and are in PCI bus order (the submit scripts
 * set {@code CUDA_DEVICE_ORDER=PCI_BUS_ID} so CUDA numbers devices the same way). The address is turned into the CUDA
 * ordinal ND4J uses:
 * <ol>
 *   <li>if {@code CUDA_VISIBLE_DEVICES} lists the address, its position in that list;</li>
 *   <li>otherwise the address itself, if ND4J sees that many devices;</li>
 *   <li>otherwise, if ND4J sees exactly one device, device 0: the container was given only the assigned GPU
 *       (Kubernetes device plugin, YARN GPU isolation), which CUDA numbers 0 whatever its host index.</li>
 * </ol>
 */
public final class DeviceSelection {
    private DeviceSelection() {
    }

    /**
     * @param gpuAddresses       the task's {@code gpu} resource addresses; empty when none was assigned
     * @param cpuBackend         whether ND4J runs on its CPU backend
     * @param backendName        the ND4J backend, for messages
     * @param visibleDevices     how many CUDA devices ND4J sees
     * @param cudaVisibleDevices the {@code CUDA_VISIBLE_DEVICES} environment variable, or null
     * @throws IllegalArgumentException if an address is not a device index or names a device that cannot be seen
     */
    public static DeviceChoice choose(List<String> gpuAddresses, boolean cpuBackend, String backendName,
                                      int visibleDevices, String cudaVisibleDevices) {
        if (gpuAddresses.isEmpty()) {
            return DeviceChoice.cpu("no GPU resource assigned to this task");
        }
        String address = gpuAddresses.get(0).trim();
        if (cpuBackend) {
            return DeviceChoice.cpu("GPU " + address + " assigned, but ND4J runs on the CPU backend (" + backendName
                    + "); build with -Pcuda to use it");
        }
        String note = gpuAddresses.size() == 1 ? "" : "; the task was given " + gpuAddresses.size() + " GPUs "
                + gpuAddresses + " and uses only the first (set spark.task.resource.gpu.amount=1)";
        if (cudaVisibleDevices != null && !cudaVisibleDevices.isBlank()) {
            List<String> visible = Arrays.stream(cudaVisibleDevices.split(",")).map(String::trim).toList();
            int position = visible.indexOf(address);
            if (position >= 0 && position < visibleDevices) {
                return DeviceChoice.gpu(position, "Spark assigned GPU " + address + ", CUDA device " + position
                        + " under CUDA_VISIBLE_DEVICES=" + cudaVisibleDevices + note);
            }
        }
        int index = index(address);
        if (index < visibleDevices) {
            return DeviceChoice.gpu(index, "Spark assigned GPU " + address + note);
        }
        if (visibleDevices == 1) {
            return DeviceChoice.gpu(0, "Spark assigned GPU " + address + "; the container sees only that GPU, as "
                    + "CUDA device 0" + note);
        }
        throw new IllegalArgumentException("Spark assigned GPU " + address + " but ND4J sees only " + visibleDevices
                + " CUDA device(s)" + (cudaVisibleDevices == null ? "" : " (CUDA_VISIBLE_DEVICES="
                + cudaVisibleDevices + ")") + "; the discovery script and the container disagree about GPU numbering");
    }

    private static int index(String address) {
        try {
            int i = Integer.parseInt(address);
            if (i >= 0) {
                return i;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("GPU address '" + address + "' is not a device index; the discovery "
                + "script must report nvidia-smi indices (conf/spark/gpu-discovery.sh does)");
    }
}
