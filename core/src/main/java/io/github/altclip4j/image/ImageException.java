package io.github.altclip4j.image;

import java.io.IOException;

/** An image that cannot be read: missing, corrupt, unsupported, or larger than the pixel cap. Names the file. */
public final class ImageException extends IOException {
    private static final long serialVersionUID = 1L;

    public ImageException(String message) {
        super(message);
    }
}
