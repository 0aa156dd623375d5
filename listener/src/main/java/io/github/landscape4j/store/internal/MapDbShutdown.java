package io.github.landscape4j.store.internal;

import java.lang.reflect.Field;
import java.util.Map;

/**
 * Internal: takes a store's MapDB database out of MapDB's own JVM shutdown hook. DL4J opens its file storage with
 * MapDB's {@code closeOnJvmShutdown()}, and JVM shutdown hooks run concurrently: MapDB closed the file while the
 * listeners were still committing their last rows and final checkpoints ("DB was closed"). {@link ShutdownOrder}
 * closes the listeners first and then the store. Reflection on MapDB 3.0.x internals ({@code DB.shutdownHooks},
 * keyed by {@code DB.shutdownReference}); if they are not there, MapDB keeps its hook and only the tail of the
 * runs is at risk.
 */
public final class MapDbShutdown {

    private MapDbShutdown() {
    }

    /** Whether the storage's database was taken out of MapDB's shutdown hook. */
    public static boolean disarm(Object mapDbStatsStorage) {
        try {
            Object db = database(mapDbStatsStorage);
            Object key = field(db.getClass(), "shutdownReference").get(db);
            Map<?, ?> hooks = (Map<?, ?>) field(db.getClass(), "shutdownHooks").get(null);
            return key != null && hooks.remove(key) != null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Closes the storage's MapDB database without committing, after a failed close (DL4J's {@code close()} commits
     * first and never gets to closing the file when the commit fails): this releases the file and its lock. Returns
     * whether the database ended closed.
     */
    public static boolean closeDatabase(Object mapDbStatsStorage) {
        try {
            Object db = database(mapDbStatsStorage);
            try {
                db.getClass().getMethod("close").invoke(db);
            } catch (ReflectiveOperationException | RuntimeException | Error e) {
                // the volume may be gone already; isClosed says what state MapDB ended in
            }
            return Boolean.TRUE.equals(db.getClass().getMethod("isClosed").invoke(db));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Rolls back what was put into the storage's MapDB database since its last commit (a group of writes that
     * failed half-way), so that no later commit writes part of it. Returns whether it was rolled back.
     */
    public static boolean rollback(Object mapDbStatsStorage) {
        try {
            Object db = database(mapDbStatsStorage);
            db.getClass().getMethod("rollback").invoke(db);
            return true;
        } catch (ReflectiveOperationException | RuntimeException | Error e) {
            return false;
        }
    }

    /** DL4J's {@code MapDBStatsStorage.db}: the storage's MapDB database. */
    static Object database(Object mapDbStatsStorage) throws ReflectiveOperationException {
        return field(mapDbStatsStorage.getClass(), "db").get(mapDbStatsStorage);
    }

    /** The store of the storage's MapDB database ({@code DB.getStore()}; a {@code StoreWAL} for DL4J's files). */
    static Object store(Object mapDbStatsStorage) throws ReflectiveOperationException {
        Object db = database(mapDbStatsStorage);
        return db.getClass().getMethod("getStore").invoke(db);
    }

    static Field field(Class<?> type, String name) throws NoSuchFieldException {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                f.setAccessible(true);
                return f;
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException(type.getName() + "." + name);
    }
}
