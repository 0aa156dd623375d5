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
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A writer that fell behind (its queue holds many checkpoints, as when training leaves its low-priority thread little
 * CPU) commits them in groups that need at most {@link StoreWriter#groupSpace} on disk, a quarter of the free space
 * within 3 and 24 MiB, not in one commit that a nearly full disk would refuse whole; smaller backlogs share one commit
 * (a commit costs the writer's CPU whatever it holds).
 */
class GroupSpaceTest {
    @TempDir
    Path dir;

    @AfterEach
    void unhook() {
        JournaledVolume.afterCommit = null;
    }

    @Test
    void aGroupMayNeedAQuarterOfTheFreeSpaceWithinItsBounds() {
        assertThat(StoreWriter.groupSpace(-1)).as("free space unknown").isEqualTo(StoreWriter.MIN_GROUP_SPACE);
        assertThat(StoreWriter.groupSpace(4L << 20)).as("a 4 MiB disk").isEqualTo(3L << 20);
        assertThat(StoreWriter.groupSpace(40L << 20)).isEqualTo(10L << 20);
        assertThat(StoreWriter.groupSpace(1L << 40)).as("a big disk").isEqualTo(24L << 20);
    }

    @Test
    void aBacklogOfBigCheckpointsIsCommittedInGroupsOfBoundedSize() throws Exception {
        assumeTrue(java.nio.file.Files.getFileStore(dir).getUsableSpace() >= 4 * StoreWriter.MAX_GROUP_SPACE,
                "a disk with room for the biggest groups");
        // 800 KB checkpoints need 2.4 MB each with the log and the journal: ten of them pass 24 MiB
        assertThat(commitsOfBacklog(200_000, 4)).as("four 800 KB checkpoints").isEqualTo(1);
        assertThat(commitsOfBacklog(200_000, 16)).as("sixteen 800 KB checkpoints").isEqualTo(2);
        assertThat(commitsOfBacklog(1_000, 16)).as("sixteen 4 KB checkpoints").isEqualTo(1);
    }

    /** Commits made while the writer works off {@code count} checkpoints of {@code floats} floats queued behind it. */
    private int commitsOfBacklog(int floats, int count) throws Exception {
        String run = "run-" + floats + "-" + count;
        try (LandscapeStore store = LandscapeStore.open(dir.resolve(run + ".db"))) {
            StoreWriter w = StoreFixtures.writer(store.statsStorage(), run, 1000, e -> { });
            w.flush(); // the run's info committed
            CountDownLatch held = new CountDownLatch(1);
            w.runAfterQueued(() -> {
                try {
                    held.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            for (int i = 1; i <= count; i++) {
                w.writeCheckpoint(i, i, 0, Checkpoint.Kind.PERIODIC, Nd4j.rand(DataType.FLOAT, floats));
            }
            AtomicInteger commits = new AtomicInteger();
            JournaledVolume.afterCommit = commits::incrementAndGet;
            held.countDown();
            w.flush();
            JournaledVolume.afterCommit = null;
            w.close();
            assertThat(w.failed()).isFalse();
            assertThat(store.checkpoints(run)).hasSize(count);
            return commits.get();
        }
    }
}
