package dev.bigbatch.data.image;

import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * The crop geometry of Inception-style scale augmentation (Szegedy et al. 2015, "Going deeper with convolutions",
 * §6), exactly as torchvision's {@code RandomResizedCrop.get_params}: draw an area fraction
 * {@code s ~ U[scaleMin, scaleMax]} and a log-uniform aspect ratio {@code r}, {@code log r ~ U[log ratioMin,
 * log ratioMax]}; the crop is {@code w = round(sqrt(s A r))}, {@code h = round(sqrt(s A / r))} at a uniform position.
 * After {@value #ATTEMPTS} draws that do not fit, fall back to a central crop of the whole image with its aspect
 * ratio clamped to [ratioMin, ratioMax] (torchvision's fallback). Rounding is half to even ({@link Math#rint}), as
 * Python's {@code round}. The random numbers themselves come from {@link SplittableRandom}, not torch's generator, so
 * the distribution is torchvision's but the individual draws are not.
 *
 * @param scaleMin area fraction lower bound, torchvision default 0.08
 * @param scaleMax area fraction upper bound, default 1
 * @param ratioMin aspect ratio (w/h) lower bound, default 3/4
 * @param ratioMax aspect ratio upper bound, default 4/3
 */
public record RandomResizedCrop(double scaleMin, double scaleMax, double ratioMin, double ratioMax)
        implements Serializable {

    public static final double DEFAULT_SCALE_MIN = 0.08;
    public static final double DEFAULT_SCALE_MAX = 1.0;
    public static final double DEFAULT_RATIO_MIN = 3.0 / 4.0;
    public static final double DEFAULT_RATIO_MAX = 4.0 / 3.0;
    /** Draws before the central-crop fallback, as torchvision. */
    public static final int ATTEMPTS = 10;

    public static final RandomResizedCrop DEFAULT =
            new RandomResizedCrop(DEFAULT_SCALE_MIN, DEFAULT_SCALE_MAX, DEFAULT_RATIO_MIN, DEFAULT_RATIO_MAX);

    public RandomResizedCrop {
        if (!(scaleMin > 0 && scaleMin <= scaleMax && scaleMax <= 1)) {
            throw new IllegalArgumentException("scale range must satisfy 0 < min <= max <= 1, found ["
                    + scaleMin + ", " + scaleMax + "]");
        }
        if (!(ratioMin > 0 && ratioMin <= ratioMax && Double.isFinite(ratioMax))) {
            throw new IllegalArgumentException("aspect ratio range must satisfy 0 < min <= max, found ["
                    + ratioMin + ", " + ratioMax + "]");
        }
    }

    /** Draws a crop of a {@code width} x {@code height} image from {@code random}. */
    public CropBox sample(int width, int height, SplittableRandom random) {
        double area = (double) width * height;
        double logRatioMin = Math.log(ratioMin);
        double logRatioMax = Math.log(ratioMax);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            double targetArea = area * uniform(random, scaleMin, scaleMax);
            double aspect = Math.exp(uniform(random, logRatioMin, logRatioMax));
            int w = (int) Math.rint(Math.sqrt(targetArea * aspect));
            int h = (int) Math.rint(Math.sqrt(targetArea / aspect));
            if (w > 0 && w <= width && h > 0 && h <= height) {
                int y = random.nextInt(height - h + 1);
                int x = random.nextInt(width - w + 1);
                return new CropBox(x, y, w, h);
            }
        }
        return centralFallback(width, height);
    }

    /** torchvision's fallback: the whole image, cropped centrally to the nearest allowed aspect ratio. */
    CropBox centralFallback(int width, int height) {
        double inRatio = (double) width / height;
        int w = width;
        int h = height;
        if (inRatio < ratioMin) {
            h = (int) Math.rint(w / ratioMin);
        } else if (inRatio > ratioMax) {
            w = (int) Math.rint(h * ratioMax);
        }
        w = Math.max(1, Math.min(w, width));
        h = Math.max(1, Math.min(h, height));
        return new CropBox((width - w) / 2, (height - h) / 2, w, h);
    }

    private static double uniform(SplittableRandom random, double lo, double hi) {
        return lo + (hi - lo) * random.nextDouble();
    }
}
