package io.github.landscape4j.store.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Internal: one JVM shutdown hook for all of landscape4j, closing in order: first the runs and listeners (each
 * commits the tail of its runs and writes final checkpoints), then the stores. Separate hooks run concurrently, and
 * MapDB's own hook used to close a file while a listener was still committing; stores therefore take themselves out
 * of MapDB's hook ({@link MapDbShutdown}) and register here.
 *
 * <p>A store opened lazily may be opened after JVM shutdown has begun (a short program that ends while the first
 * run's writer thread opens it). MapDB registers its JVM hook when it opens its first database, and
 * {@code Runtime.addShutdownHook} then fails ("Shutdown in progress"): {@link #adoptMapDbHook()} marks MapDB's hook
 * as installed so it never registers one, and this hook closes MapDB's databases itself, last, as MapDB's would.
 */
public final class ShutdownOrder {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");
    private static final Set<AutoCloseable> WRITERS = ConcurrentHashMap.newKeySet();
    private static final Set<AutoCloseable> STORES = ConcurrentHashMap.newKeySet();
    private static volatile boolean hooked;
    private static volatile boolean shuttingDown;
    private static volatile boolean mapDbAdopted;

    private ShutdownOrder() {
    }

    /** Closed at JVM exit before any store: runs and listeners. */
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

    /**
     * Whether JVM shutdown has begun: this hook runs, or the JVM refuses new hooks (another hook, e.g. a user's that
     * closes a listener, may run before this one).
     */
    public static boolean shuttingDown() {
        if (shuttingDown) {
            return true;
        }
        Thread probe = new Thread(() -> { }, "landscape4j-shutdown-probe");
        try {
            Runtime.getRuntime().addShutdownHook(probe);
            Runtime.getRuntime().removeShutdownHook(probe);
            return false;
        } catch (IllegalStateException e) {
            return true;
        }
    }

    /**
     * Before opening a MapDB store where JVM shutdown may have begun: keeps MapDB from registering its own JVM hook
     * (this one closes its databases instead, after the stores). Without MapDB's internals (another version), does
     * nothing.
     */
    public static void adoptMapDbHook() {
        hook();
        try {
            Field installed = Class.forName("org.mapdb.DB").getDeclaredField("shutdownHookInstalled");
            installed.setAccessible(true);
            if (((AtomicBoolean) installed.get(null)).compareAndSet(false, true)) {
                mapDbAdopted = true;
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            // another MapDB: its hook is registered as usual
        }
    }

    private static synchronized void hook() {
        if (!hooked) {
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(ShutdownOrder::closeAll, "landscape4j-shutdown"));
                hooked = true;
            } catch (IllegalStateException e) {
                shuttingDown = true; // too late for a hook: what is opened now is closed by nobody but its owner
            }
        }
    }

    private static void closeAll() {
        shuttingDown = true;
        for (Set<AutoCloseable> group : List.of(WRITERS, STORES)) {
            for (AutoCloseable c : new ArrayList<>(group)) {
                try {
                    c.close();
                } catch (Exception | Error e) {
                    LOG.warn("landscape4j: closing {} at JVM exit failed", c, e);
                }
            }
        }
        if (mapDbAdopted) {
            closeMapDbDatabases();
        }
    }

    /** What MapDB's own hook does: close every database opened with {@code closeOnJvmShutdown()}. */
    private static void closeMapDbDatabases() {
        try {
            Class<?> db = Class.forName("org.mapdb.DB");
            Field hooks = db.getDeclaredField("shutdownHooks");
            hooks.setAccessible(true);
            for (Object key : new ArrayList<>(((Map<?, ?>) hooks.get(null)).keySet())) {
                Object d = key instanceof Reference<?> r ? r.get() : key;
                if (db.isInstance(d)) {
                    try {
                        db.getMethod("close").invoke(d);
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        LOG.warn("landscape4j: closing MapDB database {} at JVM exit failed", d, e);
                    }
                }
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.warn("landscape4j: MapDB's databases could not be closed at JVM exit ({})", e.toString());
        }
    }
}
