package io.github.landscape4j.store.internal;

import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.StoreFixtures;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A writer that dies in the middle of a commit, for {@code CrashMidCommitTest}: it commits {@link #SNAPSHOTS}
 * snapshots (large planes) and rows one by one, then halts the JVM (no shutdown hook, no close: as kill -9 leaves
 * it) right after the {@code k}-th write of the next row's commit and then the next snapshot's reached the file.
 * Arguments: the store file, k, and "journal" or "no-journal" (the undo journal is deleted just before the halt:
 * the file as MapDB alone leaves it). Prints "committed", then "writes N" when the commits finished before their
 * k-th write. The file as its last finished commit left it is copied to {@link #committedCopy}.
 */
public final class CrashingWriter {
    static final int SNAPSHOTS = 4;
    static final int GRID = 61;

    private CrashingWriter() {
    }

    /** Where the file is copied once its commits before the cut one are done. */
    static Path committedCopy(Path file) {
        return file.resolveSibling(file.getFileName() + ".committed");
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        int k = Integer.parseInt(args[1]);
        boolean journal = args[2].equals("journal");
        LandscapeStore store = LandscapeStore.open(file);
        StoreWriter w = StoreFixtures.writer(store.statsStorage(), "run-crash", 1, Throwable::printStackTrace);
        for (int i = 0; i < SNAPSHOTS; i++) {
            w.addRow(StoreFixtures.row(i));
            w.writeRecord(RecordTypes.SNAPSHOT, Json.GSON.toJson(StoreFixtures.bigSnapshot(i, GRID)));
            w.flush();
        }
        Runnable copy = () -> {
            try {
                Files.copy(file, committedCopy(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        copy.run();
        JournaledVolume.afterCommit = copy; // the row's commit may finish before the cut in the snapshot's
        System.out.println("committed");
        System.out.flush();
        AtomicInteger writes = new AtomicInteger();
        JournaledVolume.afterWrite = () -> {
            if (writes.incrementAndGet() == k) {
                if (!journal) {
                    try {
                        Files.deleteIfExists(UndoJournal.of(file.toAbsolutePath()));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                Runtime.getRuntime().halt(137);
            }
        };
        String snapshot = Json.GSON.toJson(StoreFixtures.bigSnapshot(SNAPSHOTS, GRID));
        // the row's commit, then the snapshot's: two commits whatever the threads' timing (queued together, the
        // writer commits them once or twice depending on whether it took the row before the snapshot came, and the
        // number of writes, which the cuts count, changed with the machine's load)
        w.addRow(StoreFixtures.row(SNAPSHOTS));
        w.flush();
        w.writeRecord(RecordTypes.SNAPSHOT, snapshot);
        w.flush();
        JournaledVolume.afterWrite = null;
        System.out.println("writes " + writes.get());
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}
