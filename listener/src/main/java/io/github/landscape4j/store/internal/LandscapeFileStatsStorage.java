package io.github.landscape4j.store.internal;

import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;

import java.io.File;
import java.util.Map;

/**
 * Internal: DL4J's {@link FileStatsStorage} (MapDB with a write-ahead log) plus the one thing the checkpoint
 * thinning needs and DL4J's interface lacks: removing an update record. The removal is committed with the next
 * write (every write commits) or at {@link #close()}.
 */
public final class LandscapeFileStatsStorage extends FileStatsStorage {

    public LandscapeFileStatsStorage(File file) {
        super(file);
    }

    /** Removes the update record stored under the given key; returns whether there was one. */
    public boolean removeUpdate(String sessionId, String typeId, String workerId, long timestamp) {
        Map<Long, Persistable> map = getUpdateMap(sessionId, typeId, workerId, false);
        return map != null && map.remove(timestamp) != null;
    }
}
