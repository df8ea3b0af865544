package dev.bigbatch.data.image;

/** A crop rectangle in source-pixel coordinates: top-left corner ({@code x}, {@code y}) and size. */
public record CropBox(int x, int y, int width, int height) {

    public CropBox {
        if (x < 0 || y < 0 || width <= 0 || height <= 0) {
            throw new IllegalArgumentException("invalid crop " + x + "," + y + " " + width + "x" + height);
        }
    }

    /** Whether the box lies inside an image of the given size. */
    public boolean fitsIn(int imageWidth, int imageHeight) {
        return x + width <= imageWidth && y + height <= imageHeight;
    }
}
