package dev.bigbatch.data.imagenet;

import static dev.bigbatch.data.imagenet.MatFileReader.MI_DOUBLE;
import static dev.bigbatch.data.imagenet.MatFileReader.MI_INT16;
import static dev.bigbatch.data.imagenet.MatFileReader.MI_INT32;
import static dev.bigbatch.data.imagenet.MatFileReader.MI_INT64;
import static dev.bigbatch.data.imagenet.MatFileReader.MI_INT8;
import static dev.bigbatch.data.imagenet.MatFileReader.MI_MATRIX;
import static dev.bigbatch.data.imagenet.MatFileReader.MI_SINGLE;
import static dev.bigbatch.data.imagenet.MatFileReader.MI_UINT16;
import static dev.bigbatch.data.imagenet.MatFileReader.MI_UINT32;
import static dev.bigbatch.data.imagenet.MatFileReader.MI_UINT64;
import static dev.bigbatch.data.imagenet.MatFileReader.MI_UINT8;
import static dev.bigbatch.data.imagenet.MatFileReader.MI_UTF16;
import static dev.bigbatch.data.imagenet.MatFileReader.MI_UTF32;
import static dev.bigbatch.data.imagenet.MatFileReader.MI_UTF8;

import dev.bigbatch.data.imagenet.MatFileReader.Element;
import dev.bigbatch.data.imagenet.MatFileReader.NamedValue;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses the body of one {@code miMATRIX} element: array flags, dimensions, name, then the class-specific data
 * (MAT-File Format, "miMATRIX Format"). Struct fields and cells are nested {@code miMATRIX} elements; an element
 * with no bytes at all is an empty (0x0 double) array, as MATLAB writes empty cells.
 */
final class MatArrayParser {

    static final int MX_CELL = 1;
    static final int MX_STRUCT = 2;
    static final int MX_CHAR = 4;
    static final int MX_DOUBLE = 6;
    static final int MX_UINT64 = 15;
    private static final Charset UTF_32BE = Charset.forName("UTF-32BE");
    private static final Charset UTF_32LE = Charset.forName("UTF-32LE");

    private MatArrayParser() {
    }

    static NamedValue parse(ByteBuffer body, String source) {
        if (!body.hasRemaining()) {
            return new NamedValue("", new MatValue.Numeric(new int[] {0, 0}, new double[0]));
        }
        Element flags = Element.next(body, source);
        int flagWord = flags.data().getInt(0);
        int matlabClass = flagWord & 0xFF;
        int[] dims = ints(Element.next(body, source).data());
        String name = new String(bytes(Element.next(body, source).data()), StandardCharsets.US_ASCII);
        MatValue value = switch (matlabClass) {
            case MX_CHAR -> chars(dims, Element.next(body, source));
            case MX_STRUCT -> struct(dims, body, source);
            case MX_CELL -> cell(dims, body, source);
            default -> matlabClass >= MX_DOUBLE && matlabClass <= MX_UINT64
                    ? numeric(dims, Element.next(body, source), source)
                    : new MatValue.Unsupported(dims, matlabClass);
        };
        return new NamedValue(name, value);
    }

    private static MatValue struct(int[] dims, ByteBuffer body, String source) {
        int nameLength = ints(Element.next(body, source).data())[0];
        byte[] names = bytes(Element.next(body, source).data());
        if (nameLength <= 0 || names.length % nameLength != 0) {
            throw new InputDataException(source + ": struct field names of " + names.length
                    + " bytes do not divide into names of " + nameLength + " bytes");
        }
        List<String> fields = new ArrayList<>();
        for (int i = 0; i < names.length; i += nameLength) {
            int end = i;
            while (end < i + nameLength && names[end] != 0) {
                end++;
            }
            fields.add(new String(names, i, end - i, StandardCharsets.US_ASCII));
        }
        List<Map<String, MatValue>> elements = new ArrayList<>();
        int count = product(dims);
        for (int e = 0; e < count; e++) {
            Map<String, MatValue> element = new LinkedHashMap<>();
            for (String field : fields) {
                element.put(field, nested(body, source));
            }
            elements.add(element);
        }
        return new MatValue.Struct(dims, List.copyOf(fields), elements);
    }

    private static MatValue cell(int[] dims, ByteBuffer body, String source) {
        List<MatValue> elements = new ArrayList<>();
        int count = product(dims);
        for (int e = 0; e < count; e++) {
            elements.add(nested(body, source));
        }
        return new MatValue.Cell(dims, elements);
    }

    private static MatValue nested(ByteBuffer body, String source) {
        Element e = Element.next(body, source);
        if (e.type() != MI_MATRIX) {
            throw new InputDataException(source + ": expected a nested miMATRIX element, found type " + e.type());
        }
        return parse(e.data(), source).value();
    }

    private static MatValue chars(int[] dims, Element data) {
        ByteBuffer b = data.data();
        String all = switch (data.type()) {
            case MI_UTF8, MI_UINT8, MI_INT8 -> new String(bytes(b), StandardCharsets.UTF_8);
            case MI_UTF32 -> new String(bytes(b), b.order() == ByteOrder.BIG_ENDIAN ? UTF_32BE : UTF_32LE);
            default -> { // miUINT16 / miUTF16: one UTF-16 code unit per character
                StringBuilder sb = new StringBuilder(b.remaining() / 2);
                while (b.remaining() >= 2) {
                    sb.append(b.getChar());
                }
                yield sb.toString();
            }
        };
        int rows = dims.length > 0 ? dims[0] : 0;
        List<String> out = new ArrayList<>();
        if (rows == 0 || all.isEmpty()) {
            return new MatValue.Chars(dims, out);
        }
        int columns = all.length() / rows;
        for (int r = 0; r < rows; r++) { // column-major: character (r, c) is at r + c * rows
            StringBuilder row = new StringBuilder(columns);
            for (int c = 0; c < columns; c++) {
                row.append(all.charAt(r + c * rows));
            }
            out.add(row.toString());
        }
        return new MatValue.Chars(dims, out);
    }

    private static MatValue numeric(int[] dims, Element real, String source) {
        ByteBuffer b = real.data();
        int n = product(dims);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = switch (real.type()) {
                case MI_INT8 -> b.get();
                case MI_UINT8 -> b.get() & 0xFF;
                case MI_INT16 -> b.getShort();
                case MI_UINT16 -> b.getShort() & 0xFFFF;
                case MI_INT32 -> b.getInt();
                case MI_UINT32 -> b.getInt() & 0xFFFFFFFFL;
                case MI_SINGLE -> b.getFloat();
                case MI_DOUBLE -> b.getDouble();
                case MI_INT64 -> b.getLong();
                case MI_UINT64 -> unsigned(b.getLong());
                default -> throw new InputDataException(source + ": numeric data of unsupported element type "
                        + real.type());
            };
        }
        return new MatValue.Numeric(dims, values); // a complex array's imaginary part follows; it is ignored
    }

    private static double unsigned(long v) {
        return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
    }

    private static int[] ints(ByteBuffer b) {
        int[] out = new int[b.remaining() / 4];
        for (int i = 0; i < out.length; i++) {
            out[i] = b.getInt();
        }
        return out;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static int product(int[] dims) {
        long n = 1;
        for (int d : dims) {
            n *= d;
        }
        if (n > Integer.MAX_VALUE) {
            throw new InputDataException("MAT array too large: " + n + " elements");
        }
        return (int) n;
    }
}
