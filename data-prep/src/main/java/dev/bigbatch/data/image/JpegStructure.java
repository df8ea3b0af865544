package dev.bigbatch.data.image;

/**
 * What the marker segments of a JPEG say about it, found by walking them from SOI to EOI without decoding
 * (ITU-T T.81, Annex B: every segment but SOI, EOI, RSTn and TEM carries a 2-byte length; entropy-coded data after
 * SOS ends at the first {@code FF} not followed by {@code 00} or an RSTn).
 *
 * <p>Why: libjpeg, inside OpenCV, decodes a truncated JPEG "successfully", padding the missing rows with grey and
 * only printing "Premature end of JPEG file". The walk detects that case ({@link #complete()} is false when the data
 * ends before an EOI marker) so the caller can quarantine it instead of training on a half-grey image. It also tells
 * grayscale (1 component) and CMYK/YCCK (4 components) files apart, which decode fine but are worth reporting.
 * Bytes after EOI are ignored, and stray bytes between segments are skipped as libjpeg does (it only warns).
 *
 * @param width      frame width from the SOFn header
 * @param height     frame height from the SOFn header
 * @param components 1 (grayscale), 3 (YCbCr/RGB) or 4 (CMYK/YCCK)
 * @param progressive whether the frame is progressive (SOF2, SOF6, SOF10, SOF14)
 * @param complete   whether an EOI marker was reached
 */
public record JpegStructure(int width, int height, int components, boolean progressive, boolean complete) {

    private static final int SOI = 0xD8;
    private static final int EOI = 0xD9;
    private static final int SOS = 0xDA;
    private static final int TEM = 0x01;

    /**
     * Walks the markers of {@code data}.
     *
     * @throws ImageDecodeException if the data does not start with SOI, a segment length is impossible, or scan data
     *                              starts before any frame header
     */
    public static JpegStructure parse(byte[] data) {
        int n = data.length;
        if (n < 4 || (data[0] & 0xFF) != 0xFF || (data[1] & 0xFF) != SOI) {
            throw new ImageDecodeException("not a JPEG: no SOI marker at byte 0");
        }
        int width = 0;
        int height = 0;
        int components = 0;
        boolean progressive = false;
        int p = 2;
        while (true) {
            while (p < n && (data[p] & 0xFF) != 0xFF) {
                p++; // extraneous bytes before a marker: libjpeg warns and resynchronises, so do we
            }
            while (p < n && (data[p] & 0xFF) == 0xFF) {
                p++; // fill bytes
            }
            if (p >= n) {
                return new JpegStructure(width, height, components, progressive, false);
            }
            int marker = data[p++] & 0xFF;
            if (marker == EOI) {
                if (components == 0) {
                    throw new ImageDecodeException("corrupt JPEG: EOI at byte " + (p - 2) + " before any frame header");
                }
                return new JpegStructure(width, height, components, progressive, true);
            }
            if (marker == TEM || marker == SOI || (marker >= 0xD0 && marker <= 0xD7)) {
                continue; // no length field
            }
            if (p + 2 > n) {
                return new JpegStructure(width, height, components, progressive, false);
            }
            int length = ((data[p] & 0xFF) << 8) | (data[p + 1] & 0xFF);
            if (length < 2) {
                throw new ImageDecodeException("corrupt JPEG: segment length " + length + " at byte " + p);
            }
            if (p + length > n) {
                return new JpegStructure(width, height, components, progressive, false);
            }
            if (isStartOfFrame(marker) && length >= 8) {
                height = ((data[p + 3] & 0xFF) << 8) | (data[p + 4] & 0xFF);
                width = ((data[p + 5] & 0xFF) << 8) | (data[p + 6] & 0xFF);
                components = data[p + 7] & 0xFF;
                progressive = marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE;
            }
            p += length;
            if (marker == SOS) {
                if (components == 0) {
                    throw new ImageDecodeException("corrupt JPEG: scan at byte " + (p - length - 2)
                            + " before any frame header");
                }
                p = endOfEntropyCodedData(data, p);
            }
        }
    }

    /** SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range. */
    private static boolean isStartOfFrame(int marker) {
        return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    }

    /** Index of the {@code FF} that starts the marker ending the scan, or {@code data.length} if the data ends. */
    private static int endOfEntropyCodedData(byte[] data, int p) {
        int n = data.length;
        while (p < n) {
            if ((data[p] & 0xFF) != 0xFF) {
                p++;
                continue;
            }
            if (p + 1 >= n) {
                return n;
            }
            int next = data[p + 1] & 0xFF;
            if (next == 0x00 || (next >= 0xD0 && next <= 0xD7)) {
                p += 2; // stuffed zero byte or restart marker: still inside the scan
            } else if (next == 0xFF) {
                p++; // fill byte before a marker
            } else {
                return p;
            }
        }
        return n;
    }
}
