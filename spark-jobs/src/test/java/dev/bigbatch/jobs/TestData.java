package dev.bigbatch.jobs;

import dev.bigbatch.jobs.data.ImageDecoder;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Tiny learnable image splits in the prepared-dataset Parquet layout, and a simple decoder for them. */
public final class TestData {
    public static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.LongType, false)
            .add("label", DataTypes.IntegerType, false)
            .add("coarse_label", DataTypes.IntegerType, false)
            .add("image", DataTypes.BinaryType, false);

    private TestData() {
    }

    /**
     * Writes {@code n} u8 CHW images of {@code c×h×w}: class k brightens channel k mod c in the quadrant k mod 4, plus
     * uniform noise, so a small CNN learns it within a few steps.
     */
    public static void writeSplit(SparkSession spark, String dir, int n, int classes, int c, int h, int w, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = rng.nextInt(classes);
            byte[] img = new byte[c * h * w];
            for (int j = 0; j < img.length; j++) {
                img[j] = (byte) rng.nextInt(128);
            }
            int ch = label % c;
            int qy = (label % 4) / 2;
            int qx = label % 2;
            for (int y = qy * h / 2; y < (qy + 1) * h / 2; y++) {
                for (int x = qx * w / 2; x < (qx + 1) * w / 2; x++) {
                    img[ch * h * w + y * w + x] = (byte) (128 + rng.nextInt(128));
                }
            }
            rows.add(RowFactory.create((long) i, label, -1, img));
        }
        Dataset<Row> df = spark.createDataFrame(rows, SCHEMA);
        df.repartition(3).write().mode("overwrite").parquet(dir);
    }

    /** Scales u8 to [-0.5, 0.5); training augmentation: a horizontal flip decided by the seed. */
    public record FlipDecoder(int c, int h, int w) implements ImageDecoder {
        @Override
        public int channels() {
            return c;
        }

        @Override
        public int height() {
            return h;
        }

        @Override
        public int width() {
            return w;
        }

        @Override
        public void decode(byte[] image, boolean train, long seed, float[] out, int offset) {
            boolean flip = train && new SplittableRandom(seed).nextBoolean();
            for (int ch = 0; ch < c; ch++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int src = ch * h * w + y * w + (flip ? w - 1 - x : x);
                        out[offset + ch * h * w + y * w + x] = (image[src] & 0xff) / 255f - 0.5f;
                    }
                }
            }
        }
    }
}
