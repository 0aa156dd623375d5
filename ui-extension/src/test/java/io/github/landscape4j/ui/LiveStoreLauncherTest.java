package io.github.landscape4j.ui;

import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.StoreException;
import io.github.landscape4j.store.StoreFixtures;
import io.github.landscape4j.store.internal.Json;
import io.github.landscape4j.store.internal.RecordTypes;
import io.github.landscape4j.store.internal.StoreWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The launcher ({@code examples/ui.sh --store FILE}) opens a store that a training run is writing at that moment:
 * 20 opens while a writer commits rows and snapshot records as fast as the disk allows all read the run (a single
 * read-only open, which reads a consistent state or refuses, is printed for comparison); a damaged file that nobody
 * writes is refused at once, naming the file.
 */
class LiveStoreLauncherTest {
    @TempDir
    Path dir;

    @Test
    void aStoreBeingWrittenOpensTwentyTimesOutOfTwenty() throws Exception {
        Path file = dir.resolve("live.db");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> fault = new AtomicReference<>();
        try (LandscapeStore store = LandscapeStore.open(file)) {
            Thread writer = new Thread(() -> { // commits as fast as the disk allows: rows and snapshot records
                StoreWriter w = StoreFixtures.writer(store.statsStorage(), "live-run", 5, fault::set);
                try {
                    for (int i = 0; !stop.get(); i++) {
                        w.addRow(StoreFixtures.row(i));
                        if (i % 5 == 2) {
                            w.writeRecord(RecordTypes.SNAPSHOT, Json.GSON.toJson(StoreFixtures.snapshot(i / 5)));
                        }
                        if (i % 20 == 0) {
                            w.flush();
                        }
                    }
                } finally {
                    w.close();
                }
            });
            writer.start();
            int refusedByOneOpen = 0;
            try {
                Thread.sleep(300); // the run exists
                for (int i = 0; i < 20; i++) {
                    try (LandscapeStore reader = LandscapeUiMain.open(file)) {
                        assertThat(reader.findRun("live-run")).isPresent();
                    }
                    try (LandscapeStore once = LandscapeStore.openExisting(file)) {
                        once.listRuns();
                    } catch (StoreException e) {
                        refusedByOneOpen++; // what the launcher met before it retried
                    }
                }
            } finally {
                stop.set(true);
                writer.join();
            }
            assertThat(fault.get()).isNull();
            System.out.printf("live store: the launcher opened it 20 of 20 times; a single read-only open was"
                    + " refused %d of 20 times%n", refusedByOneOpen);
        }
    }

    @Test
    void aDamagedFileThatNobodyWritesIsRefusedAtOnce() throws Exception {
        Path file = dir.resolve("damaged.db");
        Files.write(file, new byte[4096]);
        long start = System.nanoTime();
        assertThatThrownBy(() -> LandscapeUiMain.open(file)).isInstanceOf(StoreException.class)
                .hasMessageContaining(file.toAbsolutePath().toString());
        assertThat((System.nanoTime() - start) / 1e9).isLessThan(2.0);
    }
}
