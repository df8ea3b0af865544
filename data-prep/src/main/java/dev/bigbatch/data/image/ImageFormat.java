package dev.bigbatch.data.image;

/**
 * The container format of encoded image bytes, told by their magic number (never by the file name: ILSVRC2012 has a
 * PNG named {@code .JPEG}).
 */
public enum ImageFormat {
    JPEG, PNG, GIF, BMP, TIFF, WEBP, UNKNOWN;

    /** The format whose signature starts {@code bytes}; {@link #UNKNOWN} for anything else, including no bytes. */
    public static ImageFormat sniff(byte[] bytes) {
        if (startsWith(bytes, 0xFF, 0xD8, 0xFF)) {
            return JPEG;
        }
        if (startsWith(bytes, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return PNG;
        }
        if (startsWith(bytes, 'G', 'I', 'F', '8')) {
            return GIF;
        }
        if (startsWith(bytes, 'B', 'M')) {
            return BMP;
        }
        if (startsWith(bytes, 'I', 'I', 42, 0) || startsWith(bytes, 'M', 'M', 0, 42)) {
            return TIFF;
        }
        if (startsWith(bytes, 'R', 'I', 'F', 'F') && bytes.length >= 12
                && bytes[8] == 'W' && bytes[9] == 'E' && bytes[10] == 'B' && bytes[11] == 'P') {
            return WEBP;
        }
        return UNKNOWN;
    }

    private static boolean startsWith(byte[] bytes, int... signature) {
        if (bytes.length < signature.length) {
            return false;
        }
        for (int i = 0; i < signature.length; i++) {
            if ((bytes[i] & 0xFF) != signature[i]) {
                return false;
            }
        }
        return true;
    }
}
