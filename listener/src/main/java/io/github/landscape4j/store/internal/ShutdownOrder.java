package io.github.landscape4j.store.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Internal: one JVM shutdown hook for all of landscape4j, closing in order: first the listeners (each commits the
 * tail of its runs and writes final checkpoints), then the stores. Separate hooks run concurrently, and MapDB's own
 * hook used to close a file while a listener was still committing; stores therefore take themselves out of MapDB's
 * hook ({@link MapDbShutdown}) and register here.
 */
public final class ShutdownOrder {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");
    private static final Set<AutoCloseable> WRITERS = ConcurrentHashMap.newKeySet();
    private static final Set<AutoCloseable> STORES = ConcurrentHashMap.newKeySet();
    private static volatile boolean hooked;

    private ShutdownOrder() {
    }

    /** Closed at JVM exit before any store: listeners. */
    public static void closeBeforeStores(AutoCloseable writer) {
        hook();
        WRITERS.add(writer);
    }

    /** Closed at JVM exit after every listener. */
    public static void closeAfterWriters(AutoCloseable store) {
        hook();
        STORES.add(store);
    }

    /** No longer closed at exit (it was closed already). */
    public static void forget(AutoCloseable closeable) {
        WRITERS.remove(closeable);
        STORES.remove(closeable);
    }

    private static synchronized void hook() {
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(new Thread(ShutdownOrder::closeAll, "landscape4j-shutdown"));
            hooked = true;
        }
    }

    private static void closeAll() {
        for (Set<AutoCloseable> group : List.of(WRITERS, STORES)) {
            for (AutoCloseable c : new ArrayList<>(group)) {
                try {
                    c.close();
                } catch (Exception | Error e) {
                    LOG.warn("landscape4j: closing {} at JVM exit failed", c, e);
                }
            }
        }
    }
}
