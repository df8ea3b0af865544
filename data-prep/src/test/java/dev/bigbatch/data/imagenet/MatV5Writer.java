package dev.bigbatch.data.imagenet;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.Deflater;

/**
 * Writes MAT v5 files for tests, straight from the MathWorks "MAT-File Format" document (independent of the reader):
 * 128-byte header, 8-byte aligned data elements, small data elements for payloads of at most 4 bytes, miMATRIX
 * arrays with array flags / dimensions / name subelements, struct field-name tables, and optional miCOMPRESSED.
 */
final class MatV5Writer {

    static final int MI_INT8 = 1;
    static final int MI_UINT8 = 2;
    static final int MI_UINT16 = 4;
    static final int MI_INT32 = 5;
    static final int MI_UINT32 = 6;
    static final int MI_DOUBLE = 9;
    static final int MI_MATRIX = 14;
    static final int MI_COMPRESSED = 15;
    static final int MX_CELL = 1;
    static final int MX_STRUCT = 2;
    static final int MX_CHAR = 4;
    static final int MX_DOUBLE = 6;

    private final ByteOrder order;

    MatV5Writer(ByteOrder order) {
        this.order = order;
    }

    /** A whole file holding the given top-level miMATRIX elements, each optionally wrapped in miCOMPRESSED. */
    byte[] file(boolean compress, byte[]... matrices) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] text = Arrays.copyOf("MATLAB 5.0 MAT-file, Platform: GLNXA64, written by a bigbatch test"
                .getBytes(StandardCharsets.US_ASCII), 116);
        for (int i = 0; i < text.length; i++) {
            text[i] = text[i] == 0 ? (byte) ' ' : text[i];
        }
        out.writeBytes(text);
        out.writeBytes(new byte[8]); // subsystem data offset
        out.writeBytes(buffer(4).putShort((short) 0x0100).putShort((short) (('M' << 8) | 'I')).array());
        for (byte[] m : matrices) {
            out.writeBytes(compress ? compressed(m) : m);
        }
        return out.toByteArray();
    }

    byte[] compressed(byte[] element) {
        Deflater deflater = new Deflater();
        deflater.setInput(element);
        deflater.finish();
        ByteArrayOutputStream z = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        while (!deflater.finished()) {
            z.write(chunk, 0, deflater.deflate(chunk));
        }
        deflater.end();
        byte[] data = z.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(buffer(8).putInt(MI_COMPRESSED).putInt(data.length).array());
        out.writeBytes(data); // compressed elements are not padded
        return out.toByteArray();
    }

    /** A data element: tag then data padded to 8 bytes, or the small format for at most 4 bytes if asked. */
    byte[] element(int type, byte[] data, boolean small) {
        if (small && data.length <= 4) {
            return buffer(8).putInt((data.length << 16) | type).put(Arrays.copyOf(data, 4)).array();
        }
        int padded = (data.length + 7) / 8 * 8;
        return buffer(8 + padded).putInt(type).putInt(data.length).put(data).array();
    }

    byte[] matrix(String name, int matlabClass, int[] dims, byte[]... body) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        content.writeBytes(element(MI_UINT32, buffer(8).putInt(matlabClass).putInt(0).array(), false));
        ByteBuffer d = buffer(4 * dims.length);
        for (int v : dims) {
            d.putInt(v);
        }
        content.writeBytes(element(MI_INT32, d.array(), false));
        content.writeBytes(element(MI_INT8, name.getBytes(StandardCharsets.US_ASCII), false));
        for (byte[] b : body) {
            content.writeBytes(b);
        }
        return element(MI_MATRIX, content.toByteArray(), false);
    }

    /** A 1x1 double, stored as miUINT16 in the small format when it is a small integer (as MATLAB does). */
    byte[] scalar(String name, double value) {
        if (value == Math.rint(value) && value >= 0 && value < 65536) {
            return matrix(name, MX_DOUBLE, new int[] {1, 1},
                    element(MI_UINT16, buffer(2).putShort((short) value).array(), true));
        }
        return matrix(name, MX_DOUBLE, new int[] {1, 1}, element(MI_DOUBLE, buffer(8).putDouble(value).array(), false));
    }

    byte[] doubles(String name, int[] dims, double... values) {
        ByteBuffer b = buffer(8 * values.length);
        for (double v : values) {
            b.putDouble(v);
        }
        return matrix(name, MX_DOUBLE, dims, element(MI_DOUBLE, b.array(), false));
    }

    /** A char array of equal-length rows, stored column-major as miUINT16. */
    byte[] chars(String name, String... rows) {
        int columns = rows.length == 0 ? 0 : rows[0].length();
        ByteBuffer b = buffer(2 * rows.length * columns);
        for (int c = 0; c < columns; c++) {
            for (String row : rows) {
                b.putChar(row.charAt(c));
            }
        }
        return matrix(name, MX_CHAR, new int[] {rows.length, columns}, element(MI_UINT16, b.array(), false));
    }

    /** An n x 1 struct array; {@code values.get(e)[f]} is element e's field f (a nameless miMATRIX). */
    byte[] struct(String name, List<String> fields, List<byte[][]> values) {
        int nameLength = 32;
        byte[] names = new byte[nameLength * fields.size()];
        for (int f = 0; f < fields.size(); f++) {
            byte[] n = fields.get(f).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(n, 0, names, f * nameLength, n.length);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(element(MI_INT32, buffer(4).putInt(nameLength).array(), true));
        body.writeBytes(element(MI_INT8, names, false));
        for (byte[][] element : values) {
            for (byte[] field : element) {
                body.writeBytes(field);
            }
        }
        return matrix(name, MX_STRUCT, new int[] {values.size(), 1}, body.toByteArray());
    }

    /** An empty miMATRIX element (no bytes at all), as MATLAB writes empty cells. */
    byte[] emptyElement() {
        return buffer(8).putInt(MI_MATRIX).putInt(0).array();
    }

    /** The ILSVRC2012 devkit's synsets struct for the given rows {ILSVRC2012_ID, WNID, words, num_children}. */
    byte[] synsets(List<Object[]> rows) {
        List<byte[][]> values = rows.stream().map(r -> new byte[][] {
            scalar("", ((Number) r[0]).doubleValue()),
            chars("", (String) r[1]),
            chars("", (String) r[2]),
            ((Number) r[3]).intValue() == 0 ? doubles("", new int[] {0, 0}) : doubles("", new int[] {1, 1}, 1001),
            scalar("", ((Number) r[3]).doubleValue())
        }).toList();
        return struct("synsets", List.of("ILSVRC2012_ID", "WNID", "words", "children", "num_children"), values);
    }

    private ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(order);
    }
}
