package dev.bigbatch.jobs.device;

/**
 * Where a task computes: on the CPU, or on one CUDA device (its ordinal as ND4J numbers it), and why.
 *
 * @param device the CUDA device ordinal for {@link Kind#GPU}; -1 for {@link Kind#CPU}
 * @param reason one line saying how the choice was made, for the executor log
 */
public record DeviceChoice(Kind kind, int device, String reason) {
    public enum Kind { CPU, GPU }

    public DeviceChoice {
        if ((kind == Kind.GPU) != (device >= 0)) {
            throw new IllegalArgumentException(kind + " with device " + device);
        }
    }

    static DeviceChoice cpu(String reason) {
        return new DeviceChoice(Kind.CPU, -1, reason);
    }

    static DeviceChoice gpu(int device, String reason) {
        return new DeviceChoice(Kind.GPU, device, reason);
    }

    public boolean isGpu() {
        return kind == Kind.GPU;
    }

    @Override
    public String toString() {
        return (isGpu() ? "GPU " + device : "CPU") + " (" + reason + ")";
    }
}
