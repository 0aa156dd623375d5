package io.github.landscape4j.store.internal;

/** Internal: an exception's chain of causes, for messages and for telling faults apart. */
public final class Causes {
    private Causes() {
    }

    /** The first of {@code e} and its causes that is a {@code kind}, or null. */
    public static <T extends Throwable> T find(Throwable e, Class<T> kind) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (kind.isInstance(c)) {
                return kind.cast(c);
            }
        }
        return null;
    }

    /** An exception and its causes in one line. */
    public static String describe(Throwable e) {
        StringBuilder b = new StringBuilder(String.valueOf(e));
        for (Throwable c = e.getCause(); c != null && c != c.getCause() && b.length() < 400; c = c.getCause()) {
            b.append("; caused by ").append(c);
        }
        return b.toString();
    }
}
