package io.github.landscape4j.agent.internal;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Internal: the agent's own faults (instrumenting, opening the store, attaching), reported once on stderr with
 * where they happened; after the first, the agent stays off. On stderr, not through SLF4J: a program without an
 * SLF4J binding would drop the one line that says the recording is off. Faults inside the listener go through
 * the listener's own guard.
 */
final class Faults {

    private static final AtomicBoolean REPORTED = new AtomicBoolean();
    private static volatile boolean off;

    private Faults() {
    }

    static boolean off() {
        return off;
    }

    static void report(String where, Throwable t) {
        off = true;
        if (REPORTED.compareAndSet(false, true)) {
            System.err.println("landscape4j agent: off after a fault while " + where + " (" + t
                    + (t.getCause() != null ? ", caused by " + t.getCause() : "") + "); training goes on without it");
        }
    }
}
