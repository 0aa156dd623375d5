package io.github.landscape4j.store.internal;

import io.github.landscape4j.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

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
 *
 * <p>The program's threads run on while the hook does. A run begun once shutdown has begun records nothing (it asks
 * {@link #shuttingDown()}); one that registered while the hook took its list is closed in a second pass. A store is
 * opened for a run's writer only through {@link #open}, which the hook waits for before it closes the stores and
 * which refuses from then on, so every store opened is closed before the JVM halts. A write that still comes (a run
 * begun in the instant the hook started) fails cleanly on the closed storage
 * ({@link LandscapeFileStatsStorage#close()}), never in the middle of a group.
 */
public final class ShutdownOrder {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");
    private static final Set<AutoCloseable> WRITERS = ConcurrentHashMap.newKeySet();
    private static final Set<AutoCloseable> STORES = ConcurrentHashMap.newKeySet();
    private static volatile boolean hooked;
    private static volatile boolean shuttingDown;
    private static volatile boolean mapDbAdopted;
    /** Held (shared) while a store is opened through {@link #open}; the hook takes it to stop new opens. */
    private static final ReentrantReadWriteLock OPENING = new ReentrantReadWriteLock();
    /** Set by the hook, with {@link #OPENING} held, before it closes the stores. */
    private static volatile boolean storesClosing;
    /** How many times the hook looks for runs: a second pass for those registered while it took the first list. */
    private static final int WRITER_PASSES = 2;
    /** How long the hook waits for a store being opened (it is closed with the others once open). */
    static final long OPEN_WAIT_SECONDS = 30;

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

    /** Whether the hook has begun to close the stores: a store is no longer opened, a run no longer recorded. */
    public static boolean storesClosing() {
        return storesClosing;
    }

    /**
     * Opens a store for a run's writer ({@code opener}, which registers it with {@link #closeAfterWriters}), unless
     * JVM shutdown has got as far as closing the stores: then it throws a {@link StoreException}, as a store opened
     * now would be open when the JVM halts. The hook waits for an open in progress before it closes the stores.
     */
    public static <T> T open(Supplier<T> opener) {
        Lock shared = OPENING.readLock();
        shared.lock();
        try {
            if (storesClosing) {
                throw new StoreException("the JVM is exiting and its stores are closed: no store is opened now");
            }
            return opener.get();
        } finally {
            shared.unlock();
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
        for (int pass = 0; pass < WRITER_PASSES && !WRITERS.isEmpty(); pass++) {
            List<AutoCloseable> runs = new ArrayList<>(WRITERS); // runs begun meanwhile: the next pass
            WRITERS.removeAll(runs);
            closeEach(runs);
        }
        stopOpening();
        closeEach(new ArrayList<>(STORES));
        if (mapDbAdopted) {
            closeMapDbDatabases();
        }
    }

    /** Waits for a store being opened (it registers itself with the others) and refuses any open after it. */
    private static void stopOpening() {
        Lock exclusive = OPENING.writeLock();
        boolean locked = false;
        try {
            locked = exclusive.tryLock(OPEN_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        storesClosing = true;
        if (locked) {
            exclusive.unlock();
        } else {
            LOG.warn("landscape4j: a store was still being opened {} s into JVM exit; it may be left unclosed",
                    OPEN_WAIT_SECONDS);
        }
    }

    private static void closeEach(List<AutoCloseable> closeables) {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception | Error e) {
                LOG.warn("landscape4j: closing {} at JVM exit failed", c, e);
            }
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
