package io.github.landscape4j.store.internal;

import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.StoreFixtures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A writer that fell behind (its queue holds many checkpoints, as when training leaves its low-priority thread little
 * CPU) commits them in groups that need at most {@link StoreWriter#MAX_GROUP_SPACE} on disk, not in one commit that
 * a nearly full disk would refuse whole; small records still share one commit.
 */
class GroupSpaceTest {
    @TempDir
    Path dir;

    @AfterEach
    void unhook() {
        JournaledVolume.afterCommit = null;
    }

    @Test
    void aBacklogOfBigCheckpointsIsCommittedInGroupsOfBoundedSize() throws Exception {
        assertThat(commitsOfBacklog(200_000)).as("800 KB checkpoints: 2.5 MB of disk each with the log and journal")
                .isEqualTo(4);
        assertThat(commitsOfBacklog(1_000)).as("4 KB checkpoints").isEqualTo(1);
    }

    /** Commits made while the writer works off 4 checkpoints of {@code floats} floats queued while it was held up. */
    private int commitsOfBacklog(int floats) throws Exception {
        try (LandscapeStore store = LandscapeStore.open(dir.resolve("group-" + floats + ".db"))) {
            StoreWriter w = StoreFixtures.writer(store.statsStorage(), "run-" + floats, 1000, e -> { });
            w.flush(); // the run's info committed
            CountDownLatch held = new CountDownLatch(1);
            w.runAfterQueued(() -> {
                try {
                    held.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            for (int i = 1; i <= 4; i++) {
                w.writeCheckpoint(i, i, 0, Checkpoint.Kind.PERIODIC, Nd4j.rand(DataType.FLOAT, floats));
            }
            AtomicInteger commits = new AtomicInteger();
            JournaledVolume.afterCommit = commits::incrementAndGet;
            held.countDown();
            w.flush();
            JournaledVolume.afterCommit = null;
            w.close();
            assertThat(w.failed()).isFalse();
            assertThat(store.checkpoints("run-" + floats)).hasSize(4);
            return commits.get();
        }
    }
}
