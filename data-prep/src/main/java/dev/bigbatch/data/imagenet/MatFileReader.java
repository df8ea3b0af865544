package dev.bigbatch.data.imagenet;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A minimal reader of MATLAB Level 5 MAT-files ("MAT-File Format", MathWorks, R2024a, ch. 1): the 128-byte header,
 * {@code miMATRIX} elements (numeric, char, struct and cell arrays), {@code miCOMPRESSED} (zlib) elements, the small
 * data element format, and either byte order. Enough to read the ILSVRC2012 devkit's {@code meta.mat}; written by
 * hand because no JVM library on Maven Central reads MAT v5 under a compatible licence without pulling a numerics
 * stack. Not supported (read as {@link MatValue.Unsupported}): sparse, object and function-handle arrays; v7.3
 * (HDF5) files are rejected with a message.
 */
public final class MatFileReader {

    private static final int HEADER = 128;
    static final int MI_INT8 = 1;
    static final int MI_UINT8 = 2;
    static final int MI_INT16 = 3;
    static final int MI_UINT16 = 4;
    static final int MI_INT32 = 5;
    static final int MI_UINT32 = 6;
    static final int MI_SINGLE = 7;
    static final int MI_DOUBLE = 9;
    static final int MI_INT64 = 12;
    static final int MI_UINT64 = 13;
    static final int MI_MATRIX = 14;
    static final int MI_COMPRESSED = 15;
    static final int MI_UTF8 = 16;
    static final int MI_UTF16 = 17;
    static final int MI_UTF32 = 18;

    private final String source;

    private MatFileReader(String source) {
        this.source = source;
    }

    /**
     * The named variables of a MAT v5 file, in file order.
     *
     * @param source file name for error messages
     * @throws InputDataException if the bytes are not a readable MAT v5 file
     */
    public static Map<String, MatValue> read(byte[] file, String source) {
        if (file.length < HEADER) {
            throw new InputDataException(source + " is not a MAT-file: only " + file.length + " bytes");
        }
        String text = new String(file, 0, 10, StandardCharsets.US_ASCII);
        if (text.startsWith("\u0089HDF") || new String(file, 0, 116, StandardCharsets.US_ASCII).contains("7.3 MAT")) {
            throw new InputDataException(source + " is a MATLAB v7.3 (HDF5) file; save it with -v7 or use the "
                    + "devkit's original meta.mat");
        }
        ByteOrder order;
        if (file[126] == 'I' && file[127] == 'M') {
            order = ByteOrder.LITTLE_ENDIAN;
        } else if (file[126] == 'M' && file[127] == 'I') {
            order = ByteOrder.BIG_ENDIAN;
        } else {
            throw new InputDataException(source + " is not a MAT v5 file: no 'IM'/'MI' endian indicator at byte 126");
        }
        MatFileReader reader = new MatFileReader(source);
        Map<String, MatValue> variables = new LinkedHashMap<>();
        ByteBuffer body = ByteBuffer.wrap(file, HEADER, file.length - HEADER).slice().order(order);
        try {
            while (body.remaining() >= 8) {
                reader.readTopLevel(body, variables);
            }
        } catch (BufferUnderflowException | IndexOutOfBoundsException e) {
            throw new InputDataException(source + " is truncated or corrupt (a data element runs past its end)", e);
        }
        return variables;
    }

    private void readTopLevel(ByteBuffer body, Map<String, MatValue> variables) {
        Element e = Element.next(body, source);
        if (e.type == MI_COMPRESSED) {
            ByteBuffer inflated = ByteBuffer.wrap(inflate(e.data)).order(body.order());
            while (inflated.remaining() >= 8) {
                readTopLevel(inflated, variables);
            }
        } else if (e.type == MI_MATRIX) {
            NamedValue v = MatArrayParser.parse(e.data, source);
            variables.put(v.name(), v.value());
        }
        // other top-level element types carry no variables; skip them
    }

    private byte[] inflate(ByteBuffer data) {
        byte[] compressed = new byte[data.remaining()];
        data.get(compressed);
        Inflater inflater = new Inflater();
        inflater.setInput(compressed);
        ByteArrayOutputStream out = new ByteArrayOutputStream(compressed.length * 4);
        byte[] buffer = new byte[1 << 16];
        try {
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new InputDataException(source + ": compressed data element ends early");
                }
                out.write(buffer, 0, n);
            }
        } catch (DataFormatException e) {
            throw new InputDataException(source + ": corrupt compressed data element: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
        return out.toByteArray();
    }

    /** A variable's name and value. */
    record NamedValue(String name, MatValue value) {
    }

    /** One data element: its type and a buffer over exactly its data bytes. */
    record Element(int type, ByteBuffer data) {

        /** Reads the element at the buffer's position and moves past it, including padding to 8 bytes. */
        static Element next(ByteBuffer b, String source) {
            int first = b.getInt();
            int type;
            int length;
            if ((first >>> 16) != 0) { // small data element: length and type packed into 4 bytes, data in the next 4
                type = first & 0xFFFF;
                length = first >>> 16;
                if (length > 4) {
                    throw new InputDataException(source + ": small data element of " + length + " bytes (max 4)");
                }
                ByteBuffer data = slice(b, b.position(), length);
                b.position(b.position() + 4);
                return new Element(type, data);
            }
            type = first;
            length = b.getInt();
            if (length < 0 || length > b.remaining()) {
                throw new InputDataException(source + ": data element of type " + type + " declares " + length
                        + " bytes but " + b.remaining() + " remain");
            }
            ByteBuffer data = slice(b, b.position(), length);
            // compressed elements are not padded; all others end on an 8-byte boundary
            int padded = type == MI_COMPRESSED ? length : (length + 7) & ~7;
            b.position(Math.min(b.limit(), b.position() + padded));
            return new Element(type, data);
        }

        private static ByteBuffer slice(ByteBuffer b, int from, int length) {
            return b.duplicate().position(from).limit(from + length).slice().order(b.order());
        }
    }
}
