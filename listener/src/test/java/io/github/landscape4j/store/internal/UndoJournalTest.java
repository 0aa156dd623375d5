package io.github.landscape4j.store.internal;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The undo journal copies only blocks MapDB had allocated when the commit began: a parameter checkpoint appended to
 * the store (318 KB, the demo MLP's) leaves the journal a few blocks long, not the checkpoint's size, and the tails
 * it reads from the file's header are MapDB's own. (CrashMidCommitTest: a rollback gives the file byte for byte.)
 */
class UndoJournalTest {
    @AfterEach
    void unhook() {
        JournaledVolume.afterWrite = null;
    }

    @Test
    void appendedRecordsAreNotCopied(@TempDir Path dir) throws Exception {
        File file = dir.resolve("run.db").toFile();
        float[] params = new float[79_510];
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) Math.cos(i);
        }
        LandscapeFileStatsStorage s = new LandscapeFileStatsStorage(file);
        try {
            s.putUpdate(new LandscapeRecord("s", "landscape4j/checkpoint", "w", 1, 1, "{}", params));
            Object store = MapDbShutdown.store(s);
            Object real = MapDbShutdown.field(store.getClass(), "realVolume").get(store);
            org.mapdb.volume.Volume raw = ((DelegatingVolume) real).file;
            UndoJournal.Fresh fresh = UndoJournal.Fresh.of(raw, raw.length());
            assertThat(fresh.fileTail()).as("MapDB's file tail read from the header")
                    .isEqualTo(call(store, "getFileTail$mapdb"));
            assertThat(fresh.dataTail()).as("MapDB's data tail read from the header").isPositive()
                    .isEqualTo(call(store, "getDataTail"));

            Path journal = UndoJournal.of(file.toPath().toAbsolutePath());
            AtomicLong largest = new AtomicLong();
            JournaledVolume.afterWrite = () -> {
                try {
                    largest.accumulateAndGet(Files.size(journal), Math::max);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            };
            s.putUpdate(new LandscapeRecord("s", "landscape4j/checkpoint", "w", 2, 2, "{}", params));
            assertThat(largest.get()).as("journal during the commit of a 318 KB checkpoint").isPositive()
                    .isLessThan(16 * (UndoJournal.BLOCK + 20L));
        } finally {
            s.close();
        }
    }

    /** A journal of the first layout (no tails), left by an earlier version, still rolls its file back. */
    @Test
    void firstLayoutJournalsRollBack(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("old.db");
        byte[] before = new byte[3 * UndoJournal.BLOCK];
        new java.util.Random(5).nextBytes(before);
        byte[] after = before.clone();
        java.util.Arrays.fill(after, UndoJournal.BLOCK, 2 * UndoJournal.BLOCK, (byte) 7); // the cut commit's write
        byte[] grown = java.util.Arrays.copyOf(after, 5 * UndoJournal.BLOCK); // and its growth
        Files.write(file, grown);
        java.nio.ByteBuffer j = java.nio.ByteBuffer.allocate(24 + 12 + UndoJournal.BLOCK + 8);
        j.putLong(0x4c344a554e444f31L).putLong(before.length);
        j.putLong(crc(j.array(), 0, 16));
        j.putLong(UndoJournal.BLOCK).putInt(UndoJournal.BLOCK).put(before, UndoJournal.BLOCK, UndoJournal.BLOCK);
        j.putLong(crc(j.array(), 24, 12 + UndoJournal.BLOCK));
        Files.write(UndoJournal.of(file.toAbsolutePath()), j.array());
        UndoJournal.recover(file);
        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(UndoJournal.of(file.toAbsolutePath())).doesNotExist();
    }

    private static long crc(byte[] b, int off, int len) {
        java.util.zip.CRC32 c = new java.util.zip.CRC32();
        c.update(b, off, len);
        return c.getValue();
    }

    /** MapDB's own getter (StoreDirectAbstract's, some protected). */
    private static Object call(Object store, String getter) throws ReflectiveOperationException {
        java.lang.reflect.Method m = org.mapdb.StoreDirectAbstract.class.getDeclaredMethod(getter);
        m.setAccessible(true);
        return m.invoke(store);
    }
}
