package io.github.landscape4j.store.internal;

import org.mapdb.volume.Volume;

import java.nio.ByteBuffer;

/**
 * Internal: MapDB's file volume with an {@link UndoJournal} in front of every write. Before a byte of the file that
 * existed at the start of a commit is overwritten, the block holding it is copied to the journal; MapDB's
 * {@code sync()} at the end of its commit empties the journal. Reads go straight to the file, and fixed-width numbers
 * reach it through {@link #putData} ({@link DelegatingVolume}).
 */
final class JournaledVolume extends DelegatingVolume {
    /** Crash tests only: runs after each write reached the file (e.g. halts the JVM there). */
    static volatile Runnable afterWrite;
    /** Crash tests only: runs after each commit reached the file and emptied the journal (e.g. copies the file). */
    static volatile Runnable afterCommit;

    private final UndoJournal journal;

    JournaledVolume(Volume file, UndoJournal journal) {
        super(file);
        this.journal = journal;
    }

    private static void wrote() {
        Runnable hook = afterWrite;
        if (hook != null) {
            hook.run();
        }
    }

    private void before(long offset, long length) {
        journal.before(file, offset, length);
    }

    @Override
    public synchronized void ensureAvailable(long offset) {
        journal.begin(file);
        file.ensureAvailable(offset);
        wrote();
    }

    @Override
    public synchronized void truncate(long size) {
        before(size, Math.max(0, file.length() - size));
        file.truncate(size);
        wrote();
    }

    @Override
    public synchronized void putByte(long offset, byte value) {
        before(offset, 1);
        file.putByte(offset, value);
        wrote();
    }

    @Override
    public synchronized void putData(long offset, byte[] src, int srcPos, int srcSize) {
        before(offset, srcSize);
        file.putData(offset, src, srcPos, srcSize);
        wrote();
    }

    @Override
    public synchronized void putData(long offset, ByteBuffer buf) {
        before(offset, buf.remaining());
        file.putData(offset, buf);
        wrote();
    }

    @Override
    public synchronized void clear(long startOffset, long endOffset) {
        before(startOffset, endOffset - startOffset);
        file.clear(startOffset, endOffset);
        wrote();
    }

    /** MapDB's commit ends with this: the file holds the commit whole, so the journal of its blocks is dropped. */
    @Override
    public synchronized void sync() {
        file.sync();
        journal.committed();
        Runnable hook = afterCommit;
        if (hook != null) {
            hook.run();
        }
    }

    @Override
    public synchronized void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                file.close();
            } finally {
                journal.close();
            }
        }
    }
}
