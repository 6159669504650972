package io.github.altclip4j.formats;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that is malformed, truncated, hostile or not what its reader needs. The message always names the file and,
 * where there is one, the field, tensor or position.
 */
public class FormatException extends IOException {
    private static final long serialVersionUID = 1L;

    public FormatException(Path file, String message) {
        super(file + ": " + message);
    }

    public FormatException(Path file, String message, Throwable cause) {
        super(file + ": " + message, cause);
    }
}
