package io.github.landscape4j.store.internal;

import net.jpountz.xxhash.StreamingXXHash64;
import org.mapdb.CC;
import org.mapdb.DataInput2;
import org.mapdb.volume.Volume;
import org.mapdb.volume.VolumeFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Internal: a MapDB volume that hands every call to another, except {@link #hash}, which reads the range in blocks of
 * {@link #HASH_BLOCK} bytes instead of MapDB 3.0.5's 128. On its file volume ({@code RandomAccessFileVol}) each 128
 * bytes cost a seek and a read system call, and the write-ahead log is hashed at every commit: a 318 KB parameter
 * checkpoint of the demo MLP cost its writer thread ~21 ms of CPU at commit (6-9 ms with this), ~2,800 reads of 128
 * bytes and as many seeks (measured with strace, 2026-12-07), CPU that training shares on a small machine. The
 * value is the same: the streaming xxHash64 does not depend on how the bytes are cut ({@code DelegatingVolumeTest}).
 * {@link #onWriteAheadLog} puts it in front of the log's files; {@link JournaledVolume} extends it for the store's
 * file.
 */
class DelegatingVolume extends Volume {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");
    static final int HASH_BLOCK = 1 << 16;

    protected final Volume file;

    DelegatingVolume(Volume file) {
        this.file = file;
    }

    /**
     * Puts a {@link DelegatingVolume} in front of every file of the write-ahead log of the storage's MapDB database
     * (MapDB 3.0.x's {@code StoreWAL.wal}: its open files and those its volume factory makes later). Changes nothing
     * and says so once when the database is not laid out as expected: commits are then only slower.
     */
    static void onWriteAheadLog(Object mapDbStatsStorage, Path file) {
        try {
            Object store = MapDbShutdown.store(mapDbStatsStorage);
            Object wal = MapDbShutdown.field(store.getClass(), "wal").get(store);
            Field factory = MapDbShutdown.field(wal.getClass(), "volumeFactory");
            Field volumes = MapDbShutdown.field(wal.getClass(), "volumes");
            Field current = MapDbShutdown.field(wal.getClass(), "curVol");
            VolumeFactory made = (VolumeFactory) factory.get(wal);
            @SuppressWarnings("unchecked")
            List<Volume> open = (List<Volume>) volumes.get(wal);
            Map<Volume, Volume> wrapped = new IdentityHashMap<>();
            // called as the storage opens, before its first write: nothing else touches the log yet
            factory.set(wal, new Factory(made));
            open.replaceAll(v -> v == null ? null : wrapped.computeIfAbsent(v, DelegatingVolume::new));
            Volume cur = (Volume) current.get(wal);
            if (cur != null) { // the list's wrapper: MapDB's current file and its entry stay one object
                current.set(wal, wrapped.computeIfAbsent(cur, DelegatingVolume::new));
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("landscape4j: store file {}: MapDB's write-ahead log is not laid out as expected ({}); its commits"
                    + " stay on MapDB's own checksum reads", file, Causes.describe(e));
        }
    }

    /** MapDB's factory, with each volume it makes behind a {@link DelegatingVolume}. */
    private static final class Factory extends VolumeFactory {
        private final VolumeFactory made;

        Factory(VolumeFactory made) {
            this.made = made;
        }

        @Override
        public Volume makeVolume(String file, boolean readOnly, long fileLockWait, int sliceShift, long initSize,
                                 boolean fixedSize) {
            return new DelegatingVolume(made.makeVolume(file, readOnly, fileLockWait, sliceShift, initSize, fixedSize));
        }

        @Override
        public boolean exists(String file) {
            return made.exists(file);
        }

        @Override
        public boolean handlesReadonly() {
            return made.handlesReadonly();
        }
    }

    /** xxHash64 of {@code [offset, offset + length)} with {@code seed}, as MapDB's, read in large blocks. */
    @Override
    public long hash(long offset, long length, long seed) {
        StreamingXXHash64 hash = CC.HASH_FACTORY.newStreamingHash64(seed);
        byte[] block = new byte[(int) Math.max(0, Math.min(length, HASH_BLOCK))];
        for (long at = offset, end = offset + length; at < end; ) {
            int n = (int) Math.min(block.length, end - at);
            file.getData(at, block, 0, n);
            hash.update(block, 0, n);
            at += n;
        }
        return hash.getValue();
    }

    @Override
    public synchronized void ensureAvailable(long offset) {
        file.ensureAvailable(offset);
    }

    @Override
    public synchronized void truncate(long size) {
        file.truncate(size);
    }

    @Override
    public synchronized void putLong(long offset, long value) {
        file.putLong(offset, value);
    }

    @Override
    public synchronized void putInt(long offset, int value) {
        file.putInt(offset, value);
    }

    @Override
    public synchronized void putByte(long offset, byte value) {
        file.putByte(offset, value);
    }

    @Override
    public synchronized void putData(long offset, byte[] src, int srcPos, int srcSize) {
        file.putData(offset, src, srcPos, srcSize);
    }

    @Override
    public synchronized void putData(long offset, ByteBuffer buf) {
        file.putData(offset, buf);
    }

    @Override
    public synchronized void clear(long startOffset, long endOffset) {
        file.clear(startOffset, endOffset);
    }

    @Override
    public synchronized void sync() {
        file.sync();
    }

    @Override
    public synchronized void close() {
        if (closed.compareAndSet(false, true)) {
            file.close();
        }
    }

    @Override
    public boolean isClosed() {
        return closed.get() || file.isClosed();
    }

    @Override
    public long getLong(long offset) {
        return file.getLong(offset);
    }

    @Override
    public int getInt(long offset) {
        return file.getInt(offset);
    }

    @Override
    public byte getByte(long offset) {
        return file.getByte(offset);
    }

    @Override
    public DataInput2 getDataInput(long offset, int size) {
        return file.getDataInput(offset, size);
    }

    @Override
    public void getData(long offset, byte[] bytes, int bytesPos, int size) {
        file.getData(offset, bytes, bytesPos, size);
    }

    @Override
    public int getUnsignedShort(long offset) {
        return file.getUnsignedShort(offset);
    }

    @Override
    public long getSixLong(long pos) {
        return file.getSixLong(pos);
    }

    @Override
    public long getPackedLong(long position) {
        return file.getPackedLong(position);
    }

    @Override
    public int sliceSize() {
        return file.sliceSize();
    }

    @Override
    public boolean isSliced() {
        return file.isSliced();
    }

    @Override
    public long length() {
        return file.length();
    }

    @Override
    public boolean isReadOnly() {
        return file.isReadOnly();
    }

    @Override
    public File getFile() {
        return file.getFile();
    }

    @Override
    public boolean getFileLocked() {
        return file.getFileLocked();
    }

    @Override
    public boolean fileLoad() {
        return file.fileLoad();
    }
}
