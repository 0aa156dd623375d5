package io.github.landscape4j.store.internal;

import io.github.landscape4j.store.StoreException;

/**
 * Internal: a commit was not begun because the store file's disk has less usable space than it needs. Nothing of the
 * commit was written, so the file holds every commit before it, whole; its writer stops (a clean stop, said in one
 * line, not a fault with a stack trace).
 */
public final class DiskFullException extends StoreException {
    private static final long serialVersionUID = 1L;

    public DiskFullException(String message) {
        super(message);
    }
}
