package io.github.altclip4j.weights;

import io.github.altclip4j.formats.FormatException;
import java.nio.file.Path;

/**
 * A checkpoint or config file that is malformed, truncated, hostile or not what the model needs. The message
 * always names the file and, where there is one, the tensor or field.
 */
public class WeightFormatException extends FormatException {
    private static final long serialVersionUID = 1L;

    public WeightFormatException(Path file, String message) {
        super(file, message);
    }

    public WeightFormatException(Path file, String message, Throwable cause) {
        super(file, message, cause);
    }
}
