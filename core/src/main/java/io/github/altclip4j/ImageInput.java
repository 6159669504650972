package io.github.altclip4j;

import io.github.altclip4j.image.ImageDecoder;
import io.github.altclip4j.image.RgbImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;

/**
 * One image to embed, wherever it comes from: a file, encoded bytes, an image decoded elsewhere, or anything else
 * that can produce its pixels ({@link #of}). {@link AltClip#embedAll} decodes each when its batch comes, and an image
 * that cannot be decoded gets its error in its result without stopping the others.
 */
public interface ImageInput {
    /** What errors and results call this image (its path, say). */
    String name();

    /** The image's pixels, decoded by {@code decoder} (which holds the pixel cap) where they need decoding. */
    RgbImage decode(ImageDecoder decoder) throws IOException;

    /** How some other source produces its pixels. */
    @FunctionalInterface
    interface Decoding {
        RgbImage decode(ImageDecoder decoder) throws IOException;
    }

    static ImageInput of(String name, Decoding decoding) {
        return new ImageInput() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public RgbImage decode(ImageDecoder decoder) throws IOException {
                return decoding.decode(decoder);
            }
        };
    }

    static ImageInput file(Path file) {
        return of(file.toString(), d -> d.decode(file));
    }

    /** Encoded bytes (JPEG, PNG, GIF, BMP). */
    static ImageInput bytes(byte[] encoded, String name) {
        return of(name, d -> d.decode(new ByteArrayInputStream(encoded), name));
    }

    static ImageInput decoded(RgbImage image, String name) {
        return of(name, d -> image);
    }
}
