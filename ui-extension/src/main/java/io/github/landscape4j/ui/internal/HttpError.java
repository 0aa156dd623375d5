package io.github.landscape4j.ui.internal;

/** Internal: a request that cannot be answered, with the HTTP status and a message naming what was wrong. */
public final class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;

    public HttpError(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
