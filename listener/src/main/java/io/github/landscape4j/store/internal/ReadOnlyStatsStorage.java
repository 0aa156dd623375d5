package io.github.landscape4j.store.internal;

import io.github.landscape4j.store.StoreException;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StorageMetaData;
import org.deeplearning4j.ui.model.storage.BaseCollectionStatsStorage;
import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.DataInput2;
import org.mapdb.DataOutput2;
import org.mapdb.Serializer;

import java.io.File;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Internal: a DL4J {@code FileStatsStorage} file opened read-only, for readers of a store (the launcher, copies of
 * finished or live runs). MapDB's read-only mode never writes to the file, so opening a copy cannot change or grow
 * it. The layout is DL4J's {@code MapDBStatsStorage}'s; unlike DL4J's decoder, this one instantiates only
 * {@link Persistable} classes of DL4J and landscape4j and deserializes only DL4J's key classes, since the class
 * names come from the file. Update maps are loaded when the file is opened; records are decoded when read.
 */
public final class ReadOnlyStatsStorage extends BaseCollectionStatsStorage implements RecordSessions {
    private static final String UPDATE_MAP_PREFIX = "&&&";
    private static final String SEPARATOR = "@@@";

    private final File file;
    private final DB db;
    private final Map<Integer, String> integerToClass;
    private volatile boolean closed;

    /** Opens the file read-only; a MapDB or layout error is thrown as it comes (the caller names the file). */
    public ReadOnlyStatsStorage(File file) {
        this.file = file;
        this.db = DBMaker.fileDB(file).readOnly().fileLockDisable().transactionEnable().make();
        try {
            for (String name : new String[]{"sessionIDs", "staticInfo", "storageMetaData", "integerToClass"}) {
                if (!db.exists(name)) {
                    throw new IllegalStateException("a MapDB file without DL4J's '" + name + "' collection");
                }
            }
            sessionIDs = db.hashSet("sessionIDs", Serializer.STRING).open();
            storageMetaData = db.hashMap("storageMetaData").keySerializer(new KeySerializer<SessionTypeId>(
                    SessionTypeId.class)).valueSerializer(new RecordSerializer<StorageMetaData>()).open();
            staticInfo = db.hashMap("staticInfo").keySerializer(new KeySerializer<SessionTypeWorkerId>(
                    SessionTypeWorkerId.class)).valueSerializer(new RecordSerializer<>()).open();
            integerToClass = db.hashMap("integerToClass").keySerializer(Serializer.INTEGER)
                    .valueSerializer(Serializer.STRING).open();
            Map<SessionTypeWorkerId, Map<Long, Persistable>> maps = new ConcurrentHashMap<>();
            for (String name : db.getAllNames()) {
                if (name.startsWith(UPDATE_MAP_PREFIX)) {
                    String[] parts = name.substring(UPDATE_MAP_PREFIX.length()).split(SEPARATOR, -1);
                    if (parts.length != 3) {
                        throw new IllegalStateException("update collection '" + name + "' is not named"
                                + " session@@@type@@@worker");
                    }
                    maps.put(new SessionTypeWorkerId(parts[0], parts[1], parts[2]), db.hashMap(name)
                            .keySerializer(Serializer.LONG).valueSerializer(new RecordSerializer<>()).open());
                }
            }
            updates = maps;
        } catch (RuntimeException | Error e) {
            try {
                db.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    @Override
    protected Map<Long, Persistable> getUpdateMap(String sessionID, String typeID, String workerID,
                                                  boolean createIfRequired) {
        return updates.get(new SessionTypeWorkerId(sessionID, typeID, workerID));
    }

    @Override
    public Set<String> sessionsWithRecords() {
        Set<String> out = new TreeSet<>();
        for (SessionTypeWorkerId id : updates.keySet()) {
            if (id.getTypeID().startsWith(LANDSCAPE4J_TYPES)) {
                out.add(id.getSessionID());
            }
        }
        return out;
    }

    // Every read of DL4J's API: a failure underneath (a damaged file) becomes a StoreException naming the file.

    @Override
    public List<String> listSessionIDs() {
        return guard(() -> super.listSessionIDs());
    }

    @Override
    public boolean sessionExists(String sessionID) {
        return guard(() -> super.sessionExists(sessionID));
    }

    @Override
    public Persistable getStaticInfo(String sessionID, String typeID, String workerID) {
        return guard(() -> super.getStaticInfo(sessionID, typeID, workerID));
    }

    @Override
    public List<Persistable> getAllStaticInfos(String sessionID, String typeID) {
        return guard(() -> super.getAllStaticInfos(sessionID, typeID));
    }

    @Override
    public List<String> listTypeIDsForSession(String sessionID) {
        return guard(() -> super.listTypeIDsForSession(sessionID));
    }

    @Override
    public List<String> listWorkerIDsForSession(String sessionID) {
        return guard(() -> super.listWorkerIDsForSession(sessionID));
    }

    @Override
    public List<String> listWorkerIDsForSessionAndType(String sessionID, String typeID) {
        return guard(() -> super.listWorkerIDsForSessionAndType(sessionID, typeID));
    }

    @Override
    public int getNumUpdateRecordsFor(String sessionID) {
        return guard(() -> super.getNumUpdateRecordsFor(sessionID));
    }

    @Override
    public int getNumUpdateRecordsFor(String sessionID, String typeID, String workerID) {
        return guard(() -> super.getNumUpdateRecordsFor(sessionID, typeID, workerID));
    }

    @Override
    public Persistable getLatestUpdate(String sessionID, String typeID, String workerID) {
        return guard(() -> super.getLatestUpdate(sessionID, typeID, workerID));
    }

    @Override
    public Persistable getUpdate(String sessionID, String typeID, String workerID, long timestamp) {
        return guard(() -> super.getUpdate(sessionID, typeID, workerID, timestamp));
    }

    @Override
    public List<Persistable> getLatestUpdateAllWorkers(String sessionID, String typeID) {
        return guard(() -> super.getLatestUpdateAllWorkers(sessionID, typeID));
    }

    @Override
    public List<Persistable> getAllUpdatesAfter(String sessionID, String typeID, String workerID, long timestamp) {
        return guard(() -> super.getAllUpdatesAfter(sessionID, typeID, workerID, timestamp));
    }

    @Override
    public List<Persistable> getAllUpdatesAfter(String sessionID, String typeID, long timestamp) {
        return guard(() -> super.getAllUpdatesAfter(sessionID, typeID, timestamp));
    }

    @Override
    public StorageMetaData getStorageMetaData(String sessionID, String typeID) {
        return guard(() -> super.getStorageMetaData(sessionID, typeID));
    }

    @Override
    public long[] getAllUpdateTimes(String sessionID, String typeID, String workerID) {
        return guard(() -> super.getAllUpdateTimes(sessionID, typeID, workerID));
    }

    @Override
    public List<Persistable> getUpdates(String sessionID, String typeID, String workerID, long[] timestamps) {
        return guard(() -> super.getUpdates(sessionID, typeID, workerID, timestamps));
    }

    private <T> T guard(Supplier<T> read) {
        if (closed) {
            throw new StoreException("store file " + file + " is closed");
        }
        try {
            return read.get();
        } catch (StoreException e) {
            throw e;
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            throw new StoreException("cannot read store file " + file + ": it is damaged or not a landscape4j/DL4J"
                    + " store (" + e + (e.getCause() == null ? "" : "; caused by " + e.getCause()) + ")", e);
        }
    }

    @Override
    public void putStaticInfo(Persistable staticInfo) {
        throw readOnly();
    }

    @Override
    public void putUpdate(Persistable update) {
        throw readOnly();
    }

    @Override
    public void putStorageMetaData(StorageMetaData storageMetaData) {
        throw readOnly();
    }

    private UnsupportedOperationException readOnly() {
        return new UnsupportedOperationException("store file " + file + " is open read-only");
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            db.close();
        }
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "FileStatsStorage(" + file + ", read-only)";
    }

    /** DL4J's key classes, written with Java serialization: only they (and their strings) are let in. */
    private static final class KeySerializer<T> implements Serializer<T> {
        private static final Set<String> ALLOWED = Set.of(SessionTypeId.class.getName(),
                SessionTypeWorkerId.class.getName(), String.class.getName());
        private final Class<T> type;

        KeySerializer(Class<T> type) {
            this.type = type;
        }

        @Override
        public void serialize(DataOutput2 out, T value) {
            throw new UnsupportedOperationException("read-only");
        }

        @Override
        public T deserialize(DataInput2 in, int available) throws IOException {
            try (ObjectInputStream objects = new ObjectInputStream(new DataInput2.DataInputToStream(in))) {
                objects.setObjectInputFilter(info -> {
                    if (info.depth() > 3 || info.references() > 16 || info.arrayLength() >= 0) {
                        return ObjectInputFilter.Status.REJECTED;
                    }
                    return info.serialClass() == null || ALLOWED.contains(info.serialClass().getName())
                            ? ObjectInputFilter.Status.ALLOWED : ObjectInputFilter.Status.REJECTED;
                });
                return type.cast(objects.readObject());
            } catch (ClassNotFoundException | ClassCastException | InvalidClassException e) {
                throw new IOException("a key that is not a DL4J " + type.getSimpleName() + ": " + e, e);
            }
        }

        @Override
        @SuppressWarnings("unchecked")
        public int compare(T a, T b) {
            return ((Comparable<T>) a).compareTo(b);
        }
    }

    /** DL4J's value layout: an int naming the class (through {@code integerToClass}), then the encoding. */
    private final class RecordSerializer<T extends Persistable> implements Serializer<T> {
        @Override
        public void serialize(DataOutput2 out, T value) {
            throw new UnsupportedOperationException("read-only");
        }

        @Override
        public T deserialize(DataInput2 in, int available) throws IOException {
            if (available < 4) {
                throw new IOException("a record of " + available + " bytes");
            }
            int index = in.readInt();
            String className = integerToClass.get(index);
            if (className == null) {
                throw new IOException("a record of unknown class number " + index);
            }
            T record = instantiate(className);
            byte[] bytes = new byte[available - 4];
            in.readFully(bytes);
            record.decode(bytes);
            return record;
        }

        @SuppressWarnings("unchecked")
        private T instantiate(String className) throws IOException {
            if (!className.startsWith("org.deeplearning4j.") && !className.startsWith("io.github.landscape4j.")) {
                throw new IOException("a record of class " + className + ", neither DL4J's nor landscape4j's");
            }
            try {
                Class<?> c = Class.forName(className, false, ReadOnlyStatsStorage.class.getClassLoader());
                if (!Persistable.class.isAssignableFrom(c)) {
                    throw new IOException("a record of class " + className + ", which is not a Persistable");
                }
                return (T) c.getConstructor().newInstance();
            } catch (ReflectiveOperationException | LinkageError e) {
                throw new IOException("a record of class " + className + " that cannot be made: " + e, e);
            }
        }
    }
}
