package io.github.landscape4j.store;

import io.github.landscape4j.store.internal.Json;
import io.github.landscape4j.store.internal.RecordTypes;
import io.github.landscape4j.store.internal.StoreWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Readers polling while a writer commits every 5 rows and every snapshot: no answer misses a committed record in the middle, and
 * snapshot {@code i} is always the snapshot with index {@code i}. In the same store object (the live page) and through
 * a second, read-only open of the same file (as another process or a copy would read it).
 */
class WholeCommitsTest {
    private static final String RUN = "run-whole";

    @TempDir
    Path dir;

    @Test
    void sameStoreReaderSeesWholeCommitsAndIndicesAnswerTheirOwnSnapshot() throws Exception {
        try (LandscapeStore store = LandscapeStore.open(dir.resolve("live.db"))) {
            AtomicReference<Throwable> fault = new AtomicReference<>();
            AtomicBoolean enough = new AtomicBoolean();
            Thread writer = startWriter(store, fault, enough);
            int polls = 0;
            int snapshotsChecked = 0;
            int count = 0;
            long maxRows = 0;
            while (store.findRun(RUN).isEmpty()) {
                Thread.onSpinWait();
            }
            // one read per poll: each waits for at most the commit in progress
            while (writer.isAlive() && polls < 1000) {
                polls++;
                if (polls % 2 == 1) {
                    int n = store.snapshotCount(RUN);
                    assertThat(n).as("snapshot count never shrinks").isGreaterThanOrEqualTo(count);
                    count = n;
                } else if (polls % 20 == 0) { // reading every record is slower: MapDB reads each from the file
                    maxRows = Math.max(maxRows, checkScalars(store));
                    List<Snapshot> all = store.snapshots(RUN);
                    for (int k = 0; k < all.size(); k++) {
                        assertThat(all.get(k).index()).isEqualTo(k);
                    }
                } else if (count > 0) {
                    int i = polls % count;
                    assertThat(store.snapshot(RUN, i)).as("snapshot %d at poll %d", i, polls).get()
                            .extracting(Snapshot::index).isEqualTo(i);
                    snapshotsChecked++;
                }
            }
            enough.set(true);
            writer.join();
            assertThat(fault.get()).isNull();
            System.out.printf("landscape4j whole commits: %d polls (%d snapshot look-ups, up to %d rows), none torn%n",
                    polls, snapshotsChecked, maxRows);
            assertThat(polls).isEqualTo(1000);
            assertThat(snapshotsChecked).isGreaterThan(300);
            assertThat(maxRows).isGreaterThan(20);
        }
    }

    @Test
    void readOnlyOpenOfALiveFileOrItsCopyIsConsistentOrAClearError() throws Exception {
        Path file = dir.resolve("shared.db");
        try (LandscapeStore store = LandscapeStore.open(file)) {
            AtomicReference<Throwable> fault = new AtomicReference<>();
            AtomicBoolean enough = new AtomicBoolean();
            Thread writer = startWriter(store, fault, enough);
            int opened = 0;
            int refused = 0;
            while (writer.isAlive() && opened + refused < 30) {
                // every other time a copy of the live file, as a user would copy it for the launcher
                Path read = (opened + refused) % 2 == 0 ? file
                        : Files.copy(file, dir.resolve("copy.db"), StandardCopyOption.REPLACE_EXISTING);
                try (LandscapeStore reader = LandscapeStore.openExisting(read)) {
                    if (reader.findRun(RUN).isPresent()) {
                        checkScalars(reader);
                        int n = reader.snapshotCount(RUN);
                        if (n > 0) {
                            assertThat(reader.snapshot(RUN, n - 1)).get().extracting(Snapshot::index)
                                    .isEqualTo(n - 1);
                        }
                    }
                    opened++;
                } catch (StoreException e) {
                    assertThat(e).hasMessageContaining(read.toString());
                    refused++;
                }
            }
            enough.set(true);
            writer.join();
            assertThat(fault.get()).isNull();
            System.out.printf("landscape4j live file and copies: %d read consistently, %d refused clearly%n", opened,
                    refused);
            assertThat(opened).as("opened consistently (refused with a clear error: %d)", refused).isPositive();
        }
    }

    /** Rows 0..n-1 with no gap; returns n. */
    private static long checkScalars(LandscapeStore store) {
        long[] it = store.scalars(RUN).iteration();
        for (int k = 0; k < it.length; k++) {
            if (it[k] != k) {
                throw new AssertionError("row " + k + " is iteration " + it[k] + ": a committed batch is missing");
            }
        }
        return it.length;
    }

    private static Thread startWriter(LandscapeStore store, AtomicReference<Throwable> fault, AtomicBoolean enough) {
        Thread t = new Thread(() -> {
            StoreWriter w = StoreFixtures.writer(store.statsStorage(), RUN, 5, fault::set);
            try {
                for (int i = 0; i < 20_000 && !enough.get(); i++) {
                    w.addRow(StoreFixtures.row(i));
                    if (i % 5 == 2) {
                        w.writeRecord(RecordTypes.SNAPSHOT, Json.GSON.toJson(StoreFixtures.snapshot(i / 5)));
                    }
                    if (i % 20 == 0) {
                        w.flush(); // keep the queue short: the writer commits as fast as the disk allows
                    }
                }
            } finally {
                w.close();
            }
        }, "fixture-writer");
        t.start();
        return t;
    }
}
