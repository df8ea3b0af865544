package dev.bigbatch.data.image;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;

import org.bytedeco.opencv.opencv_core.Mat;

/** Writes a BGR byte image as normalized RGB CHW floats, optionally mirrored left-right, in one pass. */
final class NormalizedChw {

    private NormalizedChw() {
    }

    static void write(Mat bgr, boolean mirror, ChannelNormalization norm, float[] dst, int offset) {
        if (bgr.type() != CV_8UC3) {
            throw new IllegalArgumentException("expected an 8-bit 3-channel BGR image, found OpenCV type "
                    + bgr.type());
        }
        int width = bgr.cols();
        int height = bgr.rows();
        int plane = width * height;
        if (offset < 0 || offset + 3 * plane > dst.length) {
            throw new IllegalArgumentException("destination holds " + dst.length + " floats, need " + (3 * plane)
                    + " at offset " + offset);
        }
        byte[] pixels = pixels(bgr);
        float scaleR = norm.scale(0);
        float scaleG = norm.scale(1);
        float scaleB = norm.scale(2);
        float offsetR = norm.offset(0);
        float offsetG = norm.offset(1);
        float offsetB = norm.offset(2);
        int red = offset;
        int green = offset + plane;
        int blue = offset + 2 * plane;
        for (int y = 0; y < height; y++) {
            int row = y * width;
            for (int x = 0; x < width; x++) {
                int src = 3 * (row + x);
                int out = row + (mirror ? width - 1 - x : x);
                dst[blue + out] = (pixels[src] & 0xFF) * scaleB + offsetB;
                dst[green + out] = (pixels[src + 1] & 0xFF) * scaleG + offsetG;
                dst[red + out] = (pixels[src + 2] & 0xFF) * scaleR + offsetR;
            }
        }
    }

    /** The pixels in row-major BGR order; copies through a continuous clone when {@code m} is an ROI view. */
    static byte[] pixels(Mat m) {
        byte[] out = new byte[(int) (m.total() * m.channels())];
        if (m.isContinuous()) {
            m.data().get(out);
        } else {
            try (Mat copy = m.clone()) {
                copy.data().get(out);
            }
        }
        return out;
    }
}
