package io.github.landscape4j.store.internal;

import io.github.landscape4j.store.StoreException;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StatsStorageEvent;
import org.deeplearning4j.core.storage.StatsStorageListener;
import org.deeplearning4j.core.storage.StorageMetaData;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * Internal: DL4J's {@link FileStatsStorage} (MapDB with a write-ahead log) plus what landscape4j needs and DL4J's
 * interface lacks: removing an update record (checkpoint thinning), reads that see whole commits, and noticing that
 * the file was deleted or replaced under the writer.
 *
 * <p>DL4J commits after every put, but a reader in the same JVM sees MapDB's maps while they change; the
 * positional {@code getAllUpdateTimes} then {@code getUpdates} of DL4J's API can even skip a record when one is
 * added in between. Writes here hold a write lock until their commit, and {@link #read(Supplier)} holds the read
 * lock, so a read sees every commit before it whole and nothing of a later one. {@link #close()} takes the write lock
 * too: DL4J's close commits whatever was put, and a close between the puts of a group ({@link #exclusive}) and its
 * committing put would commit half the group (records without the manifest that lists them). A write after close
 * fails with a {@link StoreException} before it reaches MapDB.
 */
public final class LandscapeFileStatsStorage extends FileStatsStorage implements RecordSessions {
    private final Path file;
    private final Object fileKey;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    /** Storage events of records put but not committed yet; guarded by the write lock. */
    private final List<StatsStorageEvent> heldEvents = new ArrayList<>();
    /** Set by {@link #close()} under the write lock; writes check it under the same lock. */
    private boolean closing;

    public LandscapeFileStatsStorage(File file) {
        super(file);
        this.file = file.toPath().toAbsolutePath();
        this.fileKey = fileKey(this.file);
    }

    /** Runs a read under the read lock: it sees whole commits only. */
    public <T> T read(Supplier<T> body) {
        lock.readLock().lock();
        try {
            return body.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The records of one update map, by key, copied by iterating the map (no size taken beforehand). */
    public SortedMap<Long, Persistable> updates(String sessionId, String typeId, String workerId) {
        return read(() -> {
            SortedMap<Long, Persistable> out = new TreeMap<>();
            Map<Long, Persistable> map = getUpdateMap(sessionId, typeId, workerId, false);
            if (map != null) {
                for (Map.Entry<Long, Persistable> e : map.entrySet()) {
                    out.put(e.getKey(), e.getValue());
                }
            }
            return out;
        });
    }

    @Override
    public Set<String> sessionsWithRecords() {
        return read(() -> {
            Set<String> out = new TreeSet<>();
            for (SessionTypeWorkerId id : updates.keySet()) {
                if (id.getTypeID().startsWith(LANDSCAPE4J_TYPES)) {
                    out.add(id.getSessionID());
                }
            }
            return out;
        });
    }

    /** Whether an update record is stored under the key, without decoding it. */
    public boolean hasUpdate(String sessionId, String typeId, String workerId, long key) {
        return read(() -> {
            Map<Long, Persistable> map = getUpdateMap(sessionId, typeId, workerId, false);
            return map != null && map.containsKey(key);
        });
    }

    /**
     * Runs several writes under the write lock, so no read in this JVM and no other writer's commit comes between
     * them (a removal is committed with the next put).
     */
    public void exclusive(Runnable writes) {
        write(() -> {
            try {
                writes.run();
            } catch (RuntimeException | Error e) {
                // what the group put before the fault must not be committed by the next write or by close
                heldEvents.clear();
                MapDbShutdown.rollback(this);
                throw e;
            }
            return null;
        });
    }

    /**
     * Removes the update record stored under the given key; returns whether there was one. Committed with the next
     * write or at close.
     */
    public boolean removeUpdate(String sessionId, String typeId, String workerId, long key) {
        return write(() -> {
            Map<Long, Persistable> map = getUpdateMap(sessionId, typeId, workerId, false);
            return map != null && map.remove(key) != null;
        });
    }

    /**
     * Throws when the store file is no longer the file this storage opened (deleted, or replaced by another file or
     * a directory): MapDB would go on writing into the unlinked file and the run would be lost without a word.
     */
    public void checkFile() {
        Object now = fileKey(file);
        if (now == null || (fileKey != null && !fileKey.equals(now))) {
            throw new StoreException("store file " + file + (now == null ? " was deleted" : " was replaced")
                    + " while the run was being recorded; recording into it stops");
        }
    }

    private static Object fileKey(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            return a.isRegularFile() ? Objects.requireNonNullElse(a.fileKey(), "regular file") : null;
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void putUpdate(Persistable update) {
        write(() -> {
            super.putUpdate(update);
            if (!heldEvents.isEmpty()) { // of the records committed with this one
                List<StatsStorageEvent> events = new ArrayList<>(heldEvents);
                heldEvents.clear();
                notifyListeners(events);
            }
            return null;
        });
    }

    /**
     * Puts an update record without committing it: the next {@link #putUpdate} commits it with its own record, in
     * one MapDB commit, and sends the storage events of both after it. Call inside {@link #exclusive}, so that no
     * other writer commits it half-way and no reader in this JVM sees it before that commit.
     */
    public void putUpdateUncommitted(Persistable update) {
        write(() -> {
            List<StatsStorageEvent> events = checkStorageEvents(update); // null without listeners
            if (events != null) {
                heldEvents.addAll(events);
            }
            getUpdateMap(update.getSessionID(), update.getTypeID(), update.getWorkerID(), true)
                    .put(update.getTimeStamp(), update);
            if (!listeners.isEmpty()) {
                heldEvents.add(new StatsStorageEvent(this, StatsStorageListener.EventType.PostUpdate,
                        update.getSessionID(), update.getTypeID(), update.getWorkerID(), update.getTimeStamp()));
            }
            return null;
        });
    }

    @Override
    public void putStaticInfo(Persistable staticInfo) {
        write(() -> {
            super.putStaticInfo(staticInfo);
            return null;
        });
    }

    @Override
    public void putStorageMetaData(StorageMetaData storageMetaData) {
        write(() -> {
            super.putStorageMetaData(storageMetaData);
            return null;
        });
    }

    /**
     * Commits and closes the file, after any write or group of writes in progress (never in the middle of a group).
     * Idempotent.
     */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            closing = true;
            if (!isClosed()) {
                super.close();
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    private <T> T write(Supplier<T> body) {
        lock.writeLock().lock();
        try {
            if (closing) {
                throw new StoreException("store file " + file + " was closed; nothing more is written to it");
            }
            return body.get();
        } finally {
            lock.writeLock().unlock();
        }
    }
}
