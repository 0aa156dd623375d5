package io.github.landscape4j.store.internal;

import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.StoreException;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.core.storage.StorageMetaData;

import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Internal: the router of a store that is opened on first use. Only a {@link StoreWriter}'s thread calls it, so
 * the store is opened ({@link #resolve()}) there, never on the training thread. A short program may have begun
 * to exit by then: opening works during JVM shutdown ({@link ShutdownOrder#adoptMapDbHook()}) until the exit hook
 * closes the stores ({@link ShutdownOrder#open}).
 */
public final class DeferredRouter implements StatsStorageRouter {
    private final Supplier<LandscapeStore> opener;
    private LandscapeStore store; // guarded by this

    public DeferredRouter(Supplier<LandscapeStore> opener) {
        this.opener = opener;
    }

    /** The store's file once it is open, for messages. */
    public synchronized String description() {
        return store == null ? "(a store not opened yet)" : store.description();
    }

    /** The open store's router, opening the store on the first call. */
    public StatsStorageRouter resolve() {
        return resolveStore().statsStorage();
    }

    /** The open store, opening it on the first call; a StoreException if it cannot be opened. */
    public synchronized LandscapeStore resolveStore() {
        if (store == null) {
            ShutdownOrder.adoptMapDbHook(); // JVM shutdown may have begun: MapDB must not add a hook now
            try {
                // through ShutdownOrder: the exit hook waits for this open, or refuses it once it closes the stores
                store = Objects.requireNonNull(ShutdownOrder.open(opener), "the store opener returned null");
            } catch (StoreException e) {
                throw e;
            } catch (RuntimeException e) {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                throw cause instanceof StoreException s ? s
                        : new StoreException("the store could not be opened: " + cause, cause);
            }
        }
        return store;
    }

    @Override
    public void putStorageMetaData(StorageMetaData storageMetaData) {
        resolve().putStorageMetaData(storageMetaData);
    }

    @Override
    public void putStorageMetaData(Collection<? extends StorageMetaData> storageMetaData) {
        resolve().putStorageMetaData(storageMetaData);
    }

    @Override
    public void putStaticInfo(Persistable staticInfo) {
        resolve().putStaticInfo(staticInfo);
    }

    @Override
    public void putStaticInfo(Collection<? extends Persistable> staticInfo) {
        resolve().putStaticInfo(staticInfo);
    }

    @Override
    public void putUpdate(Persistable update) {
        resolve().putUpdate(update);
    }

    @Override
    public void putUpdate(Collection<? extends Persistable> updates) {
        resolve().putUpdate(updates);
    }
}
