package io.github.altclip4j.image;

/** An 8-bit RGB image, row-major {@code [height][width][3]}: what PIL's {@code convert("RGB")} yields. */
public record RgbImage(int width, int height, byte[] pixels) {
    public RgbImage {
        if (width <= 0 || height <= 0 || pixels.length != (long) width * height * 3) {
            throw new IllegalArgumentException("RGB image of " + width + "x" + height + " needs "
                    + (long) width * height * 3 + " bytes, got " + pixels.length);
        }
    }
}
