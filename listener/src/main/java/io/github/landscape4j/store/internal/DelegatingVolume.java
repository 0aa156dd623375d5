package io.github.landscape4j.store.internal;

import net.jpountz.xxhash.StreamingXXHash64;
import org.mapdb.CC;
import org.mapdb.DataIO;
import org.mapdb.DataInput2;
import org.mapdb.volume.ReadOnlyVolume;
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

    /**
     * Points MapDB's reads of the store file ({@code StoreWAL.volume}: a read-only view of the file volume, {@code
     * original}) at {@code replacement}, which reads numbers in one system call where the file volume takes one per
     * byte (the index table's 8-byte entries: ~270 one-byte reads per checkpoint commit). The read-only view stays.
     * Unchanged, and said once, when the store is not laid out as expected.
     */
    static void readThrough(Object store, Volume original, DelegatingVolume replacement) {
        try {
            Field view = MapDbShutdown.field(store.getClass(), "volume");
            Object reads = view.get(store);
            if (reads instanceof ReadOnlyVolume readOnly && MapDbShutdown.field(ReadOnlyVolume.class, "vol")
                    .get(readOnly) == original) {
                view.set(store, new ReadOnlyVolume(replacement));
            } else if (reads == original) {
                view.set(store, replacement);
            } else {
                throw new IllegalStateException("its reads go through " + (reads == null ? null
                        : reads.getClass().getName()));
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("landscape4j: store file {}: MapDB's reads are not laid out as expected ({}); they stay a system"
                    + " call per byte", original.getFile(), Causes.describe(e));
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

    /**
     * A lower bound of the file's length (-1: not known yet): {@link #ensureAvailable} asks the file only when the
     * offset lies beyond it. MapDB calls it before most writes and {@code RandomAccessFileVol} answers with a
     * {@code stat} system call each time; every write and truncation of this file goes through this volume.
     */
    private long knownLength = -1;

    @Override
    public synchronized void ensureAvailable(long offset) {
        if (offset > knownLength) {
            file.ensureAvailable(offset);
            knownLength = offset;
        }
    }

    @Override
    public synchronized void truncate(long size) {
        knownLength = -1;
        file.truncate(size);
    }

    // Fixed-width numbers are written and read as one byte array: MapDB's file volume writes and reads them a byte at a
    // time (RandomAccessFile.writeLong: 8 system calls, its putSixLong 6 seeks and 6 writes). Big-endian, as MapDB's.

    @Override
    public synchronized void putLong(long offset, long value) {
        putData(offset, bigEndian(value, 8), 0, 8);
    }

    @Override
    public synchronized void putInt(long offset, int value) {
        putData(offset, bigEndian(value, 4), 0, 4);
    }

    @Override
    public synchronized void putSixLong(long pos, long value) {
        putData(pos, bigEndian(value, 6), 0, 6);
    }

    @Override
    public synchronized void putUnsignedShort(long offset, int value) {
        putData(offset, bigEndian(value, 2), 0, 2);
    }

    /** MapDB's packing ({@code DataIO.packLong}: 7 bits a byte, the last byte's high bit set), written at once. */
    @Override
    public synchronized int putPackedLong(long pos, long value) {
        byte[] packed = new byte[10];
        int n = DataIO.packLong(packed, 0, value);
        putData(pos, packed, 0, n);
        return n;
    }

    private static byte[] bigEndian(long value, int bytes) {
        byte[] out = new byte[bytes];
        DataIO.putLong(out, 0, value, bytes);
        return out;
    }

    private long read(long offset, int bytes) {
        byte[] in = new byte[bytes];
        file.getData(offset, in, 0, bytes);
        long value = 0;
        for (byte b : in) {
            value = (value << 8) | (b & 0xFF);
        }
        return value;
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
        return read(offset, 8);
    }

    @Override
    public int getInt(long offset) {
        return (int) read(offset, 4);
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
        return (int) read(offset, 2);
    }

    @Override
    public long getSixLong(long pos) {
        return read(pos, 6);
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
