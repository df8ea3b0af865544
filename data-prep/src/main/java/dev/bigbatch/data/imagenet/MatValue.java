package dev.bigbatch.data.imagenet;

import java.util.List;
import java.util.Map;

/** A MATLAB array as {@link MatFileReader} returns it; only the classes ILSVRC metadata needs have a rich form. */
public sealed interface MatValue {

    /** Dimensions, column-major as in MATLAB. */
    int[] dims();

    /** Number of elements: the product of the dimensions. */
    default int count() {
        int n = 1;
        for (int d : dims()) {
            n *= d;
        }
        return n;
    }

    /** A numeric array of any MATLAB numeric class, widened to double (imaginary parts dropped). */
    record Numeric(int[] dims, double[] values) implements MatValue {
        /** The only element of a 1x1 array. */
        public double scalar() {
            if (values.length != 1) {
                throw new IllegalStateException("expected a scalar, found " + values.length + " values");
            }
            return values[0];
        }
    }

    /** A char array; {@code rows} are its rows read left to right (a 1xN array is one string). */
    record Chars(int[] dims, List<String> rows) implements MatValue {
        /** The array as a single string: its rows joined by newlines. */
        public String text() {
            return String.join("\n", rows);
        }
    }

    /** A struct array: one field map per element, elements in column-major order. */
    record Struct(int[] dims, List<String> fieldNames, List<Map<String, MatValue>> elements) implements MatValue {
    }

    /** A cell array, elements in column-major order. */
    record Cell(int[] dims, List<MatValue> elements) implements MatValue {
    }

    /** An array of a class this reader does not interpret (sparse, object, function handle...). */
    record Unsupported(int[] dims, int matlabClass) implements MatValue {
    }
}
