package io.github.altclip4j.cli;

/** Wrong command-line arguments: reported with the command's usage line, exit code 2. */
final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
