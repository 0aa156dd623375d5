package io.github.landscape4j.store.internal;

import io.github.landscape4j.store.StoreException;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StatsStorageEvent;
import org.deeplearning4j.core.storage.StatsStorageListener;
import org.deeplearning4j.core.storage.StorageMetaData;
import org.deeplearning4j.ui.model.storage.FileStatsStorage;

import java.io.File;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
    /** The crash journal in front of MapDB's file, or null when it could not be installed. */
    private final UndoJournal journal;
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    /** Storage events of records put but not committed yet; guarded by the write lock. */
    private final List<StatsStorageEvent> heldEvents = new ArrayList<>();
    /** Set by {@link #close()} under the write lock; writes check it under the same lock. */
    private boolean closing;
    /** Records put and not committed yet, and an upper bound of their bytes; guarded by the write lock. */
    private int heldRecords;
    private long heldBytes;
    private FileStore fileStore;
    private volatile boolean writeFailed;
    private boolean fileStoreUnknown;

    public LandscapeFileStatsStorage(File file) {
        super(recovered(file));
        this.file = file.toPath().toAbsolutePath();
        this.journal = UndoJournal.install(this, this.file);
        DelegatingVolume.onWriteAheadLog(this, this.file);
        this.fileKey = fileKey(this.file);
    }

    /** The file, after rolling back a commit its last writer did not finish ({@link UndoJournal}). */
    private static File recovered(File file) {
        UndoJournal.recover(file.toPath().toAbsolutePath());
        return file;
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
                nothingHeld();
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
            checkSpace(0); // the hash tree's pages it rewrites
            Map<Long, Persistable> map = getUpdateMap(sessionId, typeId, workerId, false);
            heldRecords++;
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
            throw new StoreException("store file " + file + (now == null ? whereItWent() : " was replaced")
                    + " while the run was being recorded; recording into it stops");
        }
    }

    /**
     * Whether the file this storage has open was renamed (and to what) or deleted: on Linux, the process's open
     * file descriptors ({@code /proc/self/fd}) link to the file's current name, or to its old name and
     * "(deleted)". Elsewhere it cannot be told.
     */
    private String whereItWent() {
        Path fds = Path.of("/proc/self/fd");
        if (fileKey != null && Files.isDirectory(fds)) {
            try (var links = Files.list(fds)) {
                for (Path fd : (Iterable<Path>) links::iterator) {
                    try {
                        if (fileKey.equals(Files.readAttributes(fd, BasicFileAttributes.class).fileKey())) {
                            String target = Files.readSymbolicLink(fd).toString();
                            return target.endsWith(" (deleted)") ? " was deleted" : " was renamed to " + target;
                        }
                    } catch (IOException | RuntimeException e) {
                        // a descriptor closed while listing, or not a file
                    }
                }
            } catch (IOException | RuntimeException e) {
                // fall through
            }
        }
        return " was deleted or moved";
    }

    private static long bytes(Persistable update) {
        return update instanceof LandscapeRecord r ? r.sizeBound() : update.encodingLengthBytes();
    }

    /**
     * Throws a {@link DiskFullException} when the file's disk has less usable space than a commit of what is held
     * uncommitted plus a record of {@code bytes} may need ({@link #spaceNeeded}); every put calls it before MapDB writes a byte
     * of its record. MapDB 3.0.5 writes a transaction's records to its write-ahead log as they are put, then at
     * commit the new header into the file first and the data after it, and it never replays the log when it opens a
     * file: a commit cut short by a full disk leaves a header that points at data never written, and the file (its
     * log included) no longer opens until the {@link UndoJournal} rolls it back (which needs room for its journal).
     * Not writing what may not fit is what keeps every commit before it without a roll-back: a group refused
     * half-way is rolled back in memory ({@link #exclusive}). A disk whose free space cannot be read is written to
     * as before.
     */
    private void checkSpace(long bytes) {
        long free = usableSpace();
        if (free < 0) {
            return;
        }
        long need = spaceNeeded(heldBytes + bytes, heldRecords + 1);
        if (free < need) {
            throw new DiskFullException(String.format(Locale.ROOT, "the disk of store file %s has %d KiB free, less"
                    + " than the %d KiB its next commit may need (%d records of at most %d KiB in all, written three"
                    + " times with MapDB's log and the undo journal, plus 1 MiB for the file's growth and its"
                    + " closing): recording into it stops, and everything committed before is kept", file, free >> 10, need >> 10, heldRecords + 1,
                    (heldBytes + bytes) >> 10));
        }
    }

    /**
     * What a commit may need on disk: its records three times (MapDB's write-ahead log, the file, and the old bytes
     * of the blocks it overwrites in the {@link UndoJournal}), 16 KiB for each record's index and hash-tree pages and
     * for the header (and as much again for their journal), and one MapDB allocation page (1 MiB), by which the file
     * may grow at once and which leaves room for the commit of the file's close.
     */
    public static long spaceNeeded(long recordBytes, int records) {
        return 3 * recordBytes + 32_768L * (records + 1) + (1L << 20);
    }

    /** After a commit or a rollback: no record waits for one. */
    private void nothingHeld() {
        heldRecords = 0;
        heldBytes = 0;
    }

    /** The usable space of the file's disk, -1 when it cannot be read. */
    public long usableSpace() {
        FileStore store = fileStore();
        try {
            return store == null ? -1 : store.getUsableSpace();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The file system of the file, looked up once (the lookup reads the mount table); null when unknown. */
    private FileStore fileStore() {
        if (fileStore == null && !fileStoreUnknown) {
            try {
                fileStore = Files.getFileStore(file);
            } catch (IOException | RuntimeException e) {
                fileStoreUnknown = true;
            }
        }
        return fileStore;
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
            checkSpace(bytes(update));
            super.putUpdate(update);
            nothingHeld();
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
            long bytes = bytes(update);
            checkSpace(bytes);
            List<StatsStorageEvent> events = checkStorageEvents(update); // null without listeners
            if (events != null) {
                heldEvents.addAll(events);
            }
            getUpdateMap(update.getSessionID(), update.getTypeID(), update.getWorkerID(), true)
                    .put(update.getTimeStamp(), update);
            heldRecords++;
            heldBytes += bytes;
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
            checkSpace(bytes(staticInfo));
            super.putStaticInfo(staticInfo);
            nothingHeld();
            return null;
        });
    }

    @Override
    public void putStorageMetaData(StorageMetaData storageMetaData) {
        write(() -> {
            checkSpace(bytes(storageMetaData));
            super.putStorageMetaData(storageMetaData);
            nothingHeld();
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
                try {
                    super.close();
                } finally {
                    if (journal != null) {
                        journal.close(); // kept when the last commit did not finish
                    }
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Whether a write to the file failed (a fault its writer reports; closing then fails the same way). */
    public boolean writeFailed() {
        return writeFailed;
    }

    private <T> T write(Supplier<T> body) {
        lock.writeLock().lock();
        try {
            if (closing) {
                throw new StoreException("store file " + file + " was closed; nothing more is written to it");
            }
            try {
                return body.get();
            } catch (DiskFullException e) {
                throw e; // nothing was written
            } catch (RuntimeException | Error e) {
                writeFailed = true;
                throw e;
            }
        } finally {
            lock.writeLock().unlock();
        }
    }
}
