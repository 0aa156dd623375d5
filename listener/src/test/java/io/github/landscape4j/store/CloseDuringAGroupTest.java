package io.github.landscape4j.store;

import io.github.landscape4j.store.internal.LandscapeFileStatsStorage;
import io.github.landscape4j.store.internal.LandscapeRecord;
import io.github.landscape4j.store.internal.ReadOnlyStatsStorage;
import org.deeplearning4j.core.storage.Persistable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A store's writer commits a group of records (a batch, checkpoints, the manifest listing them) in one MapDB commit.
 * DL4J's close commits whatever was put: a close between the puts of a group and its committing put (at JVM exit,
 * with a run's writer still writing) committed records without the manifest that lists them, a store the reader
 * then calls damaged. Close now waits for the group; writes after it and a group that fails half-way leave nothing.
 */
class CloseDuringAGroupTest {
    private static final String SESSION = "run-1";
    private static final String TYPE = "landscape4j.test";

    @TempDir
    Path dir;

    @Test
    void closeDuringAGroupWaitsForItsCommit() throws Exception {
        Path file = dir.resolve("group.db");
        LandscapeStore store = LandscapeStore.open(file);
        LandscapeFileStatsStorage storage = (LandscapeFileStatsStorage) store.statsStorage();
        CountDownLatch inGroup = new CountDownLatch(1);
        Thread[] closer = new Thread[1];
        CompletableFuture<Void> group = CompletableFuture.runAsync(() -> storage.exclusive(() -> {
            storage.putUpdateUncommitted(record(1));
            inGroup.countDown();
            // the close has begun: it waits for this group (or, without the lock, it is over already)
            await().atMost(Duration.ofSeconds(20)).until(() -> closer[0] != null
                    && (closer[0].getState() == Thread.State.WAITING || !closer[0].isAlive()));
            storage.putUpdate(record(2)); // commits the group
        }));
        assertThat(inGroup.await(20, TimeUnit.SECONDS)).isTrue();
        closer[0] = new Thread(store::close, "closer");
        closer[0].start();
        closer[0].join(20_000);
        assertThat(closer[0].isAlive()).as("close returned").isFalse();
        group.handle((ok, e) -> null).get(20, TimeUnit.SECONDS);

        assertThat(keys(file)).as("the group, whole or not at all").containsExactly(1L, 2L);
    }

    @Test
    void aWriteAfterCloseFailsNamingTheFileAndWritesNothing() throws Exception {
        Path file = dir.resolve("closed.db");
        LandscapeStore store = LandscapeStore.open(file);
        LandscapeFileStatsStorage storage = (LandscapeFileStatsStorage) store.statsStorage();
        storage.putUpdate(record(1));
        store.close();
        assertThatThrownBy(() -> storage.putUpdate(record(2))).isInstanceOf(StoreException.class)
                .hasMessageContaining(file.toAbsolutePath().toString()).hasMessageContaining("closed");
        assertThat(keys(file)).containsExactly(1L);
    }

    @Test
    void aGroupThatFailsHalfWayIsNotCommittedByTheNextWrite() throws Exception {
        Path file = dir.resolve("failed.db");
        try (LandscapeStore store = LandscapeStore.open(file)) {
            LandscapeFileStatsStorage storage = (LandscapeFileStatsStorage) store.statsStorage();
            assertThatThrownBy(() -> storage.exclusive(() -> {
                storage.putUpdateUncommitted(record(1));
                throw new IllegalStateException("the disk failed half-way");
            })).hasMessageContaining("half-way");
            storage.putUpdate(record(2));
        }
        assertThat(keys(file)).containsExactly(2L);
    }

    private static LandscapeRecord record(long key) {
        return new LandscapeRecord(SESSION, TYPE, "w0", key, key, "{\"key\":" + key + "}", null);
    }

    /** The keys of the test's records in the file, read as a copy would be. */
    private static List<Long> keys(Path file) throws Exception {
        ReadOnlyStatsStorage read = new ReadOnlyStatsStorage(file.toFile());
        try {
            return read.getAllUpdatesAfter(SESSION, TYPE, "w0", -1).stream().map(Persistable::getTimeStamp)
                    .sorted().toList();
        } finally {
            read.close();
        }
    }
}
