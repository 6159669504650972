package io.github.altclip4j.server;

/**
 * A request that gets an error response: the HTTP status, a machine-readable {@code error_type} (TEI's and OpenAI's
 * style) and a message that names the field and item at fault.
 */
final class HttpError extends Exception {
    private static final long serialVersionUID = 1L;

    final int status;
    final String type;

    HttpError(int status, String type, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
    }

    static HttpError invalid(String message) {
        return new HttpError(400, "invalid_request", message);
    }

    static HttpError unprocessable(String message) {
        return new HttpError(422, "validation", message);
    }
}
