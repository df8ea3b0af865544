package dev.bigbatch.data.dataset;

import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.List;

/**
 * The on-disk layout of a prepared dataset, which every consumer in the project reads:
 * <pre>
 *   OUT/train/*.parquet   OUT/test/*.parquet (or OUT/val/)   OUT/manifest.json  (written last: complete)
 * </pre>
 * Each split is Parquet with the columns {@value #ID} (long, index within the split in source order),
 * {@value #LABEL} (int, the class; the fine label for CIFAR-100), {@value #COARSE_LABEL} (int,
 * {@value #NO_COARSE_LABEL} when the source has none) and {@value #IMAGE} (binary, in the manifest's encoding).
 */
public final class DatasetLayout {
    public static final String TRAIN = "train";
    public static final String TEST = "test";
    /** ImageNet's evaluation split keeps its own name. */
    public static final String VAL = "val";
    /** Every split name a prepared dataset may have. */
    public static final List<String> SPLITS = List.of(TRAIN, VAL, TEST);
    public static final String MANIFEST = "manifest.json";
    /** Where the manifest is written before it is renamed; hidden from Hadoop input formats by the underscore. */
    public static final String MANIFEST_TEMP = "_manifest.json.tmp";

    public static final String ID = "id";
    public static final String LABEL = "label";
    public static final String COARSE_LABEL = "coarse_label";
    public static final String IMAGE = "image";
    public static final int NO_COARSE_LABEL = -1;

    /** {@value}: the image as unsigned bytes, channel planes one after another, each row-major (CIFAR's own). */
    public static final String ENCODING_RAW_U8_CHW = "raw-u8-chw";
    /** {@value}: the image as a JPEG file (ImageNet). */
    public static final String ENCODING_JPEG = "jpeg";

    private static final StructType SCHEMA = new StructType(new StructField[]{
            DataTypes.createStructField(ID, DataTypes.LongType, false),
            DataTypes.createStructField(LABEL, DataTypes.IntegerType, false),
            DataTypes.createStructField(COARSE_LABEL, DataTypes.IntegerType, false),
            DataTypes.createStructField(IMAGE, DataTypes.BinaryType, false)});

    private DatasetLayout() {
    }

    /** The Spark schema of both splits. */
    public static StructType schema() {
        return SCHEMA;
    }

    /** {@code root/split}. */
    public static Path split(Path root, String split) {
        return new Path(root, split);
    }

    public static Path manifest(Path root) {
        return new Path(root, MANIFEST);
    }
}
