package io.github.landscape4j.store.internal;

import io.github.landscape4j.store.StoreException;
import org.mapdb.volume.Volume;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;

/**
 * Internal: a rollback journal that makes a store file survive its writer dying in the middle of a commit.
 *
 * <p>MapDB 3.0.5 (DL4J's) puts a transaction's records into its write-ahead log, but at commit it writes the new
 * header into the file first and the index, free lists and records after it, and it never replays its log when it
 * opens a file. A process killed between the two (kill -9, the OOM killer, a JVM crash) leaves a header that points
 * at data never written, and the file no longer opens: every run in it is lost. So before MapDB overwrites a block
 * (4 KiB) of the file as it was at the start of the commit, the block's old bytes go to {@code FILE.undo}; the
 * commit's closing {@code sync()} empties the journal. Opening a file with a non-empty journal and no live writer
 * (nobody holds the file's lock) writes the old blocks back and cuts the file to its old length: the file is the
 * last commit that finished. The journal is written before each overwrite but not forced to disk block by block, so
 * this covers the process dying, not the machine losing power mid-commit (there MapDB's own behaviour stands).
 * Blocks MapDB had not allocated at the start of the commit hold zeros (MapDB clears what it frees): the rest of its
 * current data page after its data tail, and everything after its file tail (both read from the file's header). A
 * commit appends its records there, so they are not copied; a rollback zeroes them again (a 318 KB checkpoint
 * appended to the demo's store copied 77 blocks at each commit before).
 *
 * <p>Journal layout: a header (magic, the file's length, MapDB's data tail and file tail at the start of the commit,
 * CRC-32; the first version's header has neither tail), then entries (offset, length, the old bytes, CRC-32). An
 * entry cut short by the crash is ignored: its block was not overwritten yet.
 */
public final class UndoJournal implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");
    static final int BLOCK = 4096;
    private static final long MAGIC_1 = 0x4c344a554e444f31L; // "L4JUNDO1": length only
    private static final long MAGIC = 0x4c344a554e444f32L; // "L4JUNDO2": length and MapDB's tails
    private static final int HEADER_1 = 24;
    private static final int HEADER = 40;
    /** MapDB 3.0.5's header: its data tail (parity4) and file tail (parity16), {@code StoreDirectJava}'s offsets. */
    static final long DATA_TAIL_OFFSET = 3 * 8;
    static final long FILE_TAIL_OFFSET = 5 * 8;
    /** MapDB's page ({@code CC.PAGE_SIZE}): data is allocated page by page. */
    static final long PAGE = 1 << 20;
    /** Journals this JVM writes: a reader in the same JVM must not roll back a commit in progress. */
    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

    private final Path path;
    private FileChannel channel;
    /** The file's length when the commit began; -1 between commits. */
    private long base = -1;
    /** What MapDB had not allocated when the commit began: blocks there are not saved. */
    private Fresh fresh;
    /** The journal's length: where the next entry goes. */
    private long end;
    private final BitSet saved = new BitSet();
    /** A journal or file write failed in this commit: the journal is kept for the next open to roll back. */
    private boolean broken;

    private UndoJournal(Path path) {
        this.path = path;
    }

    /** The journal of a store file: {@code FILE.undo} beside it. */
    public static Path of(Path file) {
        return file.resolveSibling(file.getFileName() + ".undo");
    }

    /**
     * Puts a journal in front of the file volume of the storage's MapDB database (MapDB 3.0.x's
     * {@code StoreWAL.realVolume}) and returns it, to be closed after the database (MapDB closes the file through
     * another view of it); returns null, changing nothing and saying so once, when the database is not laid out as
     * expected.
     */
    public static UndoJournal install(Object mapDbStatsStorage, Path file) {
        try {
            Object store = MapDbShutdown.store(mapDbStatsStorage);
            // StoreWAL writes through realVolume; its reads go through a read-only view of the same file
            Field real = MapDbShutdown.field(store.getClass(), "realVolume");
            if (!(real.get(store) instanceof Volume v) || v.isReadOnly()) {
                throw new IllegalStateException("MapDB's store " + store.getClass().getName() + " has no writable"
                        + " file volume");
            }
            Path journalPath = of(file.toAbsolutePath());
            UndoJournal journal = new UndoJournal(journalPath);
            JournaledVolume journaled = new JournaledVolume(v, journal);
            real.set(store, journaled);
            DelegatingVolume.readThrough(store, v, journaled);
            OPEN.add(journalPath);
            return journal;
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("landscape4j: store file {}: no crash journal ({}); a crash in the middle of a commit may"
                    + " leave the file unreadable", file, Causes.describe(e));
            return null;
        }
    }

    /** Called before every write of the volume: opens the commit's journal at its first write. */
    synchronized void begin(Volume file) {
        if (base >= 0) {
            return;
        }
        try {
            if (channel == null) {
                channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.READ);
            }
            long length = file.length();
            Fresh unallocated = Fresh.of(file, length);
            channel.truncate(0);
            ByteBuffer header = ByteBuffer.allocate(HEADER).putLong(MAGIC).putLong(length)
                    .putLong(unallocated.dataTail()).putLong(unallocated.fileTail());
            header.putLong(crc(header.array(), 0, 32));
            writeAt(header.flip(), 0);
            end = HEADER;
            base = length;
            fresh = unallocated;
        } catch (IOException e) {
            broken = true;
            throw new UncheckedIOException("cannot write the undo journal " + path + " of the store file", e);
        }
    }

    /** Saves the blocks of {@code [offset, offset + length)} the commit has not changed yet. */
    synchronized void before(Volume file, long offset, long length) {
        begin(file);
        long upTo = Math.min(offset + length, base);
        try {
            for (long block = offset / BLOCK; block * BLOCK < upTo; block++) {
                if (block > Integer.MAX_VALUE) {
                    throw new IOException("file offset " + offset + " beyond the journal's reach");
                }
                if (!saved.get((int) block) && !fresh.holds(block)) {
                    save(file, block);
                    saved.set((int) block);
                }
            }
        } catch (IOException | RuntimeException e) {
            broken = true;
            throw e instanceof IOException io ? new UncheckedIOException("cannot write the undo journal " + path
                    + " of the store file", io) : (RuntimeException) e;
        }
    }

    private void save(Volume file, long block) throws IOException {
        long at = block * BLOCK;
        int n = (int) Math.min(BLOCK, base - at);
        ByteBuffer entry = ByteBuffer.allocate(12 + n + 8).putLong(at).putInt(n);
        file.getData(at, entry.array(), 12, n);
        entry.position(12 + n);
        entry.putLong(crc(entry.array(), 0, 12 + n));
        writeAt(entry.flip(), end);
        end += entry.limit();
    }

    /**
     * What MapDB had not allocated: from its data tail to the end of that page (none when the tail is 0: no current
     * data page), and from its file tail on; as the file's header holds them (the last commit's). A new file or a
     * tail whose parity is broken or lies outside the file gives nothing: then every block is saved.
     */
    record Fresh(long dataTail, long fileTail) {
        static final Fresh NONE = new Fresh(0, Long.MAX_VALUE);

        static Fresh of(Volume file, long length) {
            if (length < FILE_TAIL_OFFSET + 8) {
                return NONE;
            }
            try {
                long data = org.mapdb.DataIO.parity4Get(file.getLong(DATA_TAIL_OFFSET));
                long tail = org.mapdb.DataIO.parity16Get(file.getLong(FILE_TAIL_OFFSET));
                if (tail <= 0 || tail > length || data < 0 || data > tail) {
                    return NONE;
                }
                return new Fresh(data, tail);
            } catch (RuntimeException e) {
                return NONE;
            }
        }

        private long dataPageEnd() {
            return dataTail == 0 ? 0 : (dataTail + PAGE - 1) / PAGE * PAGE;
        }

        /** Whether the whole block lies in what MapDB had not allocated. */
        boolean holds(long block) {
            long from = block * BLOCK;
            return from >= fileTail || (from >= dataTail && from + BLOCK <= dataPageEnd());
        }

        /** Zeroes its whole blocks below {@code limit}. */
        void zero(java.nio.channels.FileChannel f, long limit) throws IOException {
            zero(f, (dataTail + BLOCK - 1) / BLOCK * BLOCK, Math.min(dataPageEnd(), limit));
            zero(f, fileTail, limit);
        }

        private static void zero(java.nio.channels.FileChannel f, long from, long to) throws IOException {
            ByteBuffer zeros = ByteBuffer.allocate(1 << 20);
            for (long p = from; p < to; ) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), to - p));
                p += f.write(zeros, p);
            }
        }
    }

    /** The file holds the commit whole (MapDB synced it): the journal is emptied, unless a write failed. */
    synchronized void committed() {
        if (base < 0 || broken) {
            return;
        }
        try {
            channel.truncate(0);
        } catch (IOException e) {
            broken = true;
            throw new UncheckedIOException("cannot empty the undo journal " + path + " of the store file", e);
        }
        base = -1;
        saved.clear();
    }

    /**
     * Closes the journal; an empty one is deleted, one of a commit that did not finish stays for the next open.
     * Idempotent.
     */
    @Override
    public synchronized void close() {
        OPEN.remove(path);
        try {
            if (channel != null) {
                channel.close();
            }
            if (base < 0 && !broken) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // an empty journal left behind (a directory that takes no changes) is ignored by every open; a failed
            // write was reported by the store's writer
        }
    }

    /**
     * Before a store file is opened: when its journal holds an interrupted commit and no process writes the file,
     * puts the file back as it was before that commit. A journal of a file written in this JVM, or locked by
     * another process, belongs to a live commit and is left alone.
     *
     * @throws StoreException naming the file when it needs rolling back and cannot be written
     */
    public static void recover(Path file) {
        Path journal = of(file.toAbsolutePath());
        try {
            if (OPEN.contains(journal) || !Files.isRegularFile(journal) || Files.size(journal) == 0) {
                return;
            }
        } catch (IOException e) {
            return; // gone meanwhile
        }
        if (!Files.isWritable(file)) {
            if (writerAlive(file)) {
                return;
            }
            throw new StoreException("store file " + file + " holds a commit cut short when its writer died, and it"
                    + " cannot be rolled back: the file is not writable (" + journal.getFileName() + " has its old"
                    + " blocks); open it once with write access");
        }
        try (FileChannel f = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = f.tryLock();
            } catch (OverlappingFileLockException e) {
                return;
            }
            if (lock == null) {
                return; // a live writer's commit in progress
            }
            try {
                int blocks = rollBack(f, journal);
                Files.deleteIfExists(journal);
                if (blocks >= 0) {
                    LOG.warn("landscape4j: store file {}: rolled back a commit cut short when its writer died ({}"
                            + " blocks from {}); every commit before it is kept", file, blocks, journal.getFileName());
                }
            } finally {
                lock.release();
            }
        } catch (NoSuchFileException e) {
            // nothing to roll back
        } catch (IOException e) {
            throw new StoreException("store file " + file + ": cannot roll back the commit cut short when its writer"
                    + " died, from " + journal + ": " + e, e);
        }
    }

    /** Whether another process holds the file's lock (MapDB's writers lock their file), seen by a shared lock. */
    private static boolean writerAlive(Path file) {
        try (FileChannel f = FileChannel.open(file, StandardOpenOption.READ)) {
            FileLock lock = f.tryLock(0, Long.MAX_VALUE, true);
            if (lock == null) {
                return true;
            }
            lock.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Writes the journal's blocks back; returns how many, or -1 when its header was never finished. */
    private static int rollBack(FileChannel f, Path journal) throws IOException {
        byte[] all = Files.readAllBytes(journal);
        ByteBuffer in = ByteBuffer.wrap(all);
        boolean first = all.length >= HEADER_1 && in.getLong(0) == MAGIC_1 && in.getLong(16) == crc(all, 0, 16);
        if (!first && (all.length < HEADER || in.getLong(0) != MAGIC || in.getLong(32) != crc(all, 0, 32))) {
            return -1; // cut short before its header: the file was not written yet
        }
        long base = in.getLong(8);
        Fresh fresh = first ? Fresh.NONE : new Fresh(in.getLong(16), in.getLong(24));
        int blocks = 0;
        int at = first ? HEADER_1 : HEADER;
        while (at + 12 <= all.length) {
            long offset = in.getLong(at);
            int n = in.getInt(at + 8);
            if (n < 0 || n > BLOCK || at + 12L + n + 8 > all.length
                    || in.getLong(at + 12 + n) != crc(all, at, 12 + n)) {
                break; // an entry cut short: its block was not overwritten
            }
            ByteBuffer old = ByteBuffer.wrap(all, at + 12, n);
            for (long p = offset; old.hasRemaining(); ) {
                p += f.write(old, p);
            }
            blocks++;
            at += 12 + n + 8;
        }
        if (f.size() > base) {
            f.truncate(base);
        }
        fresh.zero(f, Math.min(base, f.size())); // what MapDB had not allocated: zeros, as before
        f.force(true);
        return blocks;
    }

    private void writeAt(ByteBuffer b, long position) throws IOException {
        long p = position;
        while (b.hasRemaining()) {
            p += channel.write(b, p);
        }
    }

    private static long crc(byte[] b, int off, int len) {
        CRC32 c = new CRC32();
        c.update(b, off, len);
        return c.getValue();
    }
}
