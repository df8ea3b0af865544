package dev.bigbatch.data.cifar;

/**
 * A nearest-class-mean classifier (a linear model) over feature vectors, plus the translation-invariant features
 * used to show that the synthetic data rewards invariance: per-channel magnitudes of the low 2-D Fourier
 * frequencies, summed with their horizontal mirror so a flip leaves them unchanged.
 */
final class NearestClassMean {
    static final int MAX_FREQUENCY = 4;

    private NearestClassMean() {
    }

    /** Accuracy on (testX, testY) of class means fitted on (trainX, trainY). */
    static double accuracy(float[][] trainX, int[] trainY, float[][] testX, int[] testY, int classes) {
        int d = trainX[0].length;
        double[][] means = new double[classes][d];
        int[] counts = new int[classes];
        for (int i = 0; i < trainX.length; i++) {
            counts[trainY[i]]++;
            for (int j = 0; j < d; j++) {
                means[trainY[i]][j] += trainX[i][j];
            }
        }
        for (int c = 0; c < classes; c++) {
            for (int j = 0; j < d; j++) {
                means[c][j] /= Math.max(1, counts[c]);
            }
        }
        int correct = 0;
        for (int i = 0; i < testX.length; i++) {
            int best = -1;
            double bestDistance = Double.POSITIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                double s = 0;
                for (int j = 0; j < d; j++) {
                    double e = testX[i][j] - means[c][j];
                    s += e * e;
                }
                if (s < bestDistance) {
                    bestDistance = s;
                    best = c;
                }
            }
            correct += best == testY[i] ? 1 : 0;
        }
        return correct / (double) testX.length;
    }

    static float[] pixels(byte[] image) {
        float[] f = new float[image.length];
        for (int i = 0; i < image.length; i++) {
            f[i] = (image[i] & 0xFF) / 255f;
        }
        return f;
    }

    private static final int SIDE = CifarVariant.WIDTH;
    private static final double[] COS = new double[SIDE];
    private static final double[] SIN = new double[SIDE];

    static {
        for (int i = 0; i < SIDE; i++) {
            COS[i] = Math.cos(2 * Math.PI * i / SIDE);
            SIN[i] = Math.sin(2 * Math.PI * i / SIDE);
        }
    }

    /** |DFT| at frequencies |f_y|, |f_x| <= MAX_FREQUENCY per channel, each plus its horizontal mirror. */
    static float[] spectrum(byte[] image) {
        int n = 2 * MAX_FREQUENCY + 1;
        float[] f = new float[CifarVariant.CHANNELS * n * (MAX_FREQUENCY + 1)];
        double[][] magnitude = new double[n][n];
        int k = 0;
        for (int ch = 0; ch < CifarVariant.CHANNELS; ch++) {
            for (int fy = -MAX_FREQUENCY; fy <= MAX_FREQUENCY; fy++) {
                for (int fx = -MAX_FREQUENCY; fx <= MAX_FREQUENCY; fx++) {
                    double re = 0;
                    double im = 0;
                    for (int y = 0; y < SIDE; y++) {
                        for (int x = 0; x < SIDE; x++) {
                            int phase = Math.floorMod(fx * x + fy * y, SIDE);
                            double v = image[ch * SIDE * SIDE + y * SIDE + x] & 0xFF;
                            re += v * COS[phase];
                            im -= v * SIN[phase];
                        }
                    }
                    magnitude[fy + MAX_FREQUENCY][fx + MAX_FREQUENCY] = Math.hypot(re, im) / (255.0 * SIDE * SIDE);
                }
            }
            for (int fy = 0; fy < n; fy++) {
                for (int fx = 0; fx <= MAX_FREQUENCY; fx++) {
                    f[k++] = (float) (magnitude[fy][MAX_FREQUENCY + fx] + magnitude[fy][MAX_FREQUENCY - fx]);
                }
            }
        }
        return f;
    }
}
