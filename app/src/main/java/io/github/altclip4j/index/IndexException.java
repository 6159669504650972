package io.github.altclip4j.index;

import java.io.IOException;
import java.nio.file.Path;

/** A file of an index that cannot be used: names the file and what is wrong with it. */
public final class IndexException extends IOException {
    private static final long serialVersionUID = 1L;

    public IndexException(Path file, String message) {
        super(file + ": " + message);
    }
}
