package dev.bigbatch.data.cifar;

import java.util.SplittableRandom;

/**
 * The image model behind {@link SyntheticCifar}: per-class smooth colour-texture prototypes, and images that mix
 * their class prototype with another one, shifted, flipped and noisy. See {@link SyntheticCifar} for the model in
 * math. Only {@link StrictMath} and {@link SplittableRandom} are used, so the images are the same on every JVM.
 */
final class SyntheticImages {
    static final int WAVES_PER_CLASS = 4;
    static final int MAX_FREQUENCY = 3;
    static final double MIN_OWN_WEIGHT = 0.45;
    static final double MAX_OWN_WEIGHT = 0.75;
    static final int MAX_SHIFT = 8;
    static final double COLOUR_JITTER = 0.3;
    static final double PIXEL_NOISE = 0.8;
    static final double GREY = 127.5;
    static final double CONTRAST = 48;

    private static final int SIDE = CifarVariant.WIDTH;
    private static final int PLANE = SIDE * SIDE;

    private final int classes;
    private final float[][] prototypes;

    SyntheticImages(int classes, SplittableRandom random) {
        this.classes = classes;
        this.prototypes = new float[classes][];
        for (int c = 0; c < classes; c++) {
            prototypes[c] = prototype(random);
        }
    }

    /** A sum of plane waves with integer frequencies (so periodic on the 32x32 torus), scaled to unit RMS. */
    private static float[] prototype(SplittableRandom random) {
        double[] p = new double[CifarVariant.IMAGE_BYTES];
        for (int k = 0; k < WAVES_PER_CLASS; k++) {
            int fx;
            int fy;
            do {
                fx = random.nextInt(-MAX_FREQUENCY, MAX_FREQUENCY + 1);
                fy = random.nextInt(-MAX_FREQUENCY, MAX_FREQUENCY + 1);
            } while (fx == 0 && fy == 0);
            double phase = random.nextDouble(2 * Math.PI);
            for (int ch = 0; ch < CifarVariant.CHANNELS; ch++) {
                double amplitude = random.nextDouble(-1, 1);
                for (int y = 0; y < SIDE; y++) {
                    for (int x = 0; x < SIDE; x++) {
                        p[ch * PLANE + y * SIDE + x] +=
                                amplitude * StrictMath.sin(2 * Math.PI * (fx * x + fy * y) / SIDE + phase);
                    }
                }
            }
        }
        double squares = 0;
        for (double v : p) {
            squares += v * v;
        }
        double scale = 1 / Math.sqrt(squares / p.length);
        float[] out = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = (float) (p[i] * scale);
        }
        return out;
    }

    /** Draws one example into {@code image} (CIFAR layout) and returns its label. */
    int draw(SplittableRandom random, byte[] image) {
        int label = random.nextInt(classes);
        int other = (label + 1 + random.nextInt(classes - 1)) % classes;
        float own = (float) random.nextDouble(MIN_OWN_WEIGHT, MAX_OWN_WEIGHT);
        int dy = random.nextInt(-MAX_SHIFT, MAX_SHIFT + 1);
        int dx = random.nextInt(-MAX_SHIFT, MAX_SHIFT + 1);
        boolean flip = random.nextBoolean();
        float[] a = prototypes[label];
        float[] b = prototypes[other];
        for (int ch = 0; ch < CifarVariant.CHANNELS; ch++) {
            double jitter = random.nextDouble(-COLOUR_JITTER, COLOUR_JITTER);
            for (int y = 0; y < SIDE; y++) {
                int row = ch * PLANE + Math.floorMod(y + dy, SIDE) * SIDE;
                for (int x = 0; x < SIDE; x++) {
                    int sx = Math.floorMod(x + dx, SIDE);
                    int src = row + (flip ? SIDE - 1 - sx : sx);
                    double v = own * a[src] + (1 - own) * b[src] + jitter
                            + random.nextDouble(-PIXEL_NOISE, PIXEL_NOISE);
                    long q = Math.round(GREY + CONTRAST * v);
                    image[ch * PLANE + y * SIDE + x] = (byte) Math.max(0, Math.min(255, q));
                }
            }
        }
        return label;
    }
}
