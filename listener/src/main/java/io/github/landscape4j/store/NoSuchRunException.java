package io.github.landscape4j.store;

/** The store holds no landscape4j run with the requested id. The message lists the runs it does hold. */
public class NoSuchRunException extends StoreException {
    private static final long serialVersionUID = 1L;

    public NoSuchRunException(String message) {
        super(message);
    }
}
