package dev.bigbatch.bench;

import dev.bigbatch.data.augment.CifarAugmentation;

import java.util.SplittableRandom;

/**
 * CIFAR executor pipeline throughput on one thread: raw 3072-byte image to normalized, randomly cropped and flipped
 * float CHW (what the training loop does per example per step). Target (issue 5): at least 20,000 images/s per core.
 *
 * <pre>java ... dev.bigbatch.bench.CifarPipelineBench [images=400000]</pre>
 * (or the count alone: {@code CifarPipelineBench 400000}; {@code --help} lists the options).
 */
public final class CifarPipelineBench {
    private static final int DEFAULT_IMAGES = 400_000;

    private CifarPipelineBench() {
    }

    public static void main(String[] args) {
        BenchRunner.main(args, options(), CifarPipelineBench::read, CifarPipelineBench::run);
    }

    static BenchDeclaration options() {
        return BenchOptions.declare("CifarPipelineBench", "CIFAR executor pipeline (crop, flip, normalize) "
                + "throughput on one thread")
                .positional("images", DEFAULT_IMAGES, "images per round (one warm-up round, one measured)");
    }

    static int read(BenchOptions options) {
        return options.getIntAtLeast("images", 1);
    }

    private static void run(int n) {
        SplittableRandom rng = new SplittableRandom(1);
        byte[][] images = new byte[1024][3072];
        for (byte[] img : images) {
            for (int i = 0; i < img.length; i++) {
                img[i] = (byte) rng.nextInt(256);
            }
        }
        CifarAugmentation aug = new CifarAugmentation(new double[]{0.49, 0.48, 0.45}, new double[]{0.25, 0.24, 0.26});
        float[] out = new float[32 * CifarAugmentation.SIZE];
        double checksum = 0;
        for (int round = 0; round < 2; round++) {
            long t0 = System.nanoTime();
            long cpu0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                aug.train(images[i & 1023], i * 0x9E3779B97F4A7C15L, out, (i & 31) * CifarAugmentation.SIZE);
                checksum += out[(i & 31) * CifarAugmentation.SIZE + (i % CifarAugmentation.SIZE)];
            }
            double wall = (System.nanoTime() - t0) / 1e9;
            double cpu = (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0)
                    / 1e9;
            System.out.printf("%s: %d images in %.2f s = %.0f images/s wall, %.0f images per CPU-second%n",
                    round == 0 ? "warm-up" : "measured", n, wall, n / wall, n / cpu);
        }
        System.out.println("(checksum " + checksum + ")");
    }
}
