package dev.bigbatch.optimizer.state;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * NumPy {@code .npy} version 1.0 for float32, float64 and int64 arrays in C order, little-endian.
 *
 * <p>Written by hand (ND4J's {@code Nd4j.toNpyByteArray} goes through native code and accepts whatever header it is
 * given): this reader parses only the header fields it needs, checks every one, and never trusts a length it has not
 * checked against the header, so a stored file is always safe to read.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([<>|=]?[a-z]\\d+)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    /** Refuse headers larger than this; real ones are under 200 bytes. */
    private static final int MAX_HEADER = 64 * 1024;

    private Npy() {
    }

    public static void write(INDArray array, OutputStream out) throws IOException {
        DataType t = array.dataType();
        String descr = switch (t) {
            case FLOAT -> "<f4";
            case DOUBLE -> "<f8";
            case LONG -> "<i8";
            default -> throw new IllegalArgumentException("npy: unsupported data type " + t);
        };
        long[] shape = array.shape();
        StringBuilder sb = new StringBuilder("{'descr': '").append(descr).append("', 'fortran_order': False, 'shape': (");
        for (long d : shape) {
            sb.append(d).append(", ");
        }
        if (shape.length > 0) {
            sb.setLength(sb.length() - 2);
            if (shape.length == 1) {
                sb.append(',');
            }
        }
        sb.append("), }");
        // Pad so that magic (6) + version (2) + length (2) + header is a multiple of 64, ending in '\n'.
        int total = 10 + sb.length() + 1;
        int pad = (64 - total % 64) % 64;
        sb.append(" ".repeat(pad)).append('\n');
        byte[] header = sb.toString().getBytes(StandardCharsets.US_ASCII);
        out.write(MAGIC);
        out.write(new byte[]{1, 0, (byte) (header.length & 0xff), (byte) (header.length >>> 8)});
        out.write(header);

        INDArray c = array.dup('c');
        int n = Math.toIntExact(c.length());
        int width = t == DataType.FLOAT ? 4 : 8;
        ByteBuffer buf = ByteBuffer.allocate(Math.min(n, 1 << 16) * width).order(ByteOrder.LITTLE_ENDIAN);
        switch (t) {
            case FLOAT -> {
                float[] v = c.reshape(n).toFloatVector();
                for (float f : v) {
                    if (!buf.hasRemaining()) {
                        flush(buf, out);
                    }
                    buf.putFloat(f);
                }
            }
            case DOUBLE -> {
                double[] v = c.reshape(n).toDoubleVector();
                for (double d : v) {
                    if (!buf.hasRemaining()) {
                        flush(buf, out);
                    }
                    buf.putDouble(d);
                }
            }
            default -> {
                long[] v = c.reshape(n).toLongVector();
                for (long l : v) {
                    if (!buf.hasRemaining()) {
                        flush(buf, out);
                    }
                    buf.putLong(l);
                }
            }
        }
        flush(buf, out);
    }

    private static void flush(ByteBuffer buf, OutputStream out) throws IOException {
        out.write(buf.array(), 0, buf.position());
        buf.clear();
    }

    public static byte[] toBytes(INDArray array) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try {
            write(array, bos);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bos.toByteArray();
    }

    /**
     * Reads one array. {@code source} names the file in error messages.
     *
     * @throws IOException naming {@code source} and the problem if the stream is not a valid npy of a supported type
     */
    public static INDArray read(InputStream in, String source) throws IOException {
        DataInputStream din = new DataInputStream(in);
        byte[] magic = new byte[6];
        readFully(din, magic, source, 0);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new IOException(source + ": not a .npy file (bad magic at byte 0)");
        }
        int major = din.readUnsignedByte();
        din.readUnsignedByte();
        int headerLen;
        if (major == 1) {
            headerLen = din.readUnsignedByte() | (din.readUnsignedByte() << 8);
        } else if (major == 2 || major == 3) {
            headerLen = Integer.reverseBytes(din.readInt());
        } else {
            throw new IOException(source + ": unsupported .npy version " + major + " at byte 6");
        }
        if (headerLen < 0 || headerLen > MAX_HEADER) {
            throw new IOException(source + ": .npy header length " + headerLen + " out of range at byte 8");
        }
        byte[] hb = new byte[headerLen];
        readFully(din, hb, source, 10);
        String header = new String(hb, StandardCharsets.US_ASCII);
        String descr = group(DESCR, header, "descr", source);
        if ("True".equals(group(ORDER, header, "fortran_order", source))) {
            throw new IOException(source + ": fortran_order arrays are not supported");
        }
        String shapeText = group(SHAPE, header, "shape", source).trim();
        long[] shape = shapeText.isEmpty() ? new long[0] : Arrays.stream(shapeText.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray();
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IOException(source + ": negative dimension in shape (" + shapeText + ")");
            }
            n = Math.multiplyExact(n, d);
        }
        if (n > Integer.MAX_VALUE) {
            throw new IOException(source + ": array of " + n + " elements is too large");
        }
        int count = (int) n;
        long dataStart = 10L + headerLen;
        switch (descr) {
            case "<f4" -> {
                byte[] raw = new byte[count * 4];
                readFully(din, raw, source, dataStart);
                float[] v = new float[count];
                ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
                return Nd4j.createFromArray(v).reshape('c', shape);
            }
            case "<f8" -> {
                byte[] raw = new byte[count * 8];
                readFully(din, raw, source, dataStart);
                double[] v = new double[count];
                ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(v);
                return Nd4j.createFromArray(v).reshape('c', shape);
            }
            case "<i8" -> {
                byte[] raw = new byte[count * 8];
                readFully(din, raw, source, dataStart);
                long[] v = new long[count];
                ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(v);
                return Nd4j.createFromArray(v).reshape('c', shape);
            }
            default -> throw new IOException(source + ": unsupported .npy dtype '" + descr + "'");
        }
    }

    private static String group(Pattern p, String header, String field, String source) throws IOException {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IOException(source + ": .npy header has no valid '" + field + "' field");
        }
        return m.group(1);
    }

    private static void readFully(DataInputStream in, byte[] b, String source, long offset) throws IOException {
        try {
            in.readFully(b);
        } catch (EOFException e) {
            throw new IOException(source + ": truncated .npy (needed " + b.length + " bytes at byte " + offset + ")", e);
        }
    }
}
