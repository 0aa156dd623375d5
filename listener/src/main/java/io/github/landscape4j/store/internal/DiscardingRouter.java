package io.github.landscape4j.store.internal;

import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.core.storage.StorageMetaData;

import java.util.Collection;

/**
 * Internal: a router that drops every record, for a run that begins while the JVM exits: its store is being closed
 * (or was never opened), and nothing may open or write it now.
 */
public final class DiscardingRouter implements StatsStorageRouter {
    public static final DiscardingRouter INSTANCE = new DiscardingRouter();

    private DiscardingRouter() {
    }

    @Override
    public void putStorageMetaData(StorageMetaData storageMetaData) {
        // dropped
    }

    @Override
    public void putStorageMetaData(Collection<? extends StorageMetaData> storageMetaData) {
        // dropped
    }

    @Override
    public void putStaticInfo(Persistable staticInfo) {
        // dropped
    }

    @Override
    public void putStaticInfo(Collection<? extends Persistable> staticInfo) {
        // dropped
    }

    @Override
    public void putUpdate(Persistable update) {
        // dropped
    }

    @Override
    public void putUpdate(Collection<? extends Persistable> updates) {
        // dropped
    }
}
