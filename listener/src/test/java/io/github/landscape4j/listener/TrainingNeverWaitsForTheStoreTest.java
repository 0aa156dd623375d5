package io.github.landscape4j.listener;

import io.github.landscape4j.store.LandscapeStore;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The training thread never waits for the store writer: with a store that takes its time to open (as MapDB's first
 * open does, ~1 s on a small machine), epoch ends (which commit the final checkpoint) and snapshots (which commit the
 * scalars before them) go on without it, and every record reaches the store once it is open. Before, both waited for
 * the commit, and with it for the store's opening.
 */
class TrainingNeverWaitsForTheStoreTest {
    @TempDir
    Path dir;

    @Test
    void epochEndsAndSnapshotsGoOnWhileTheStoreOpens() throws Exception {
        List<DataSet> data = TestNets.data(12, 16, 20, TestNets.SEED);
        MultiLayerNetwork reference = TestNets.mlpSgd(0.1);
        TestNets.train(reference, data, 3);

        CountDownLatch mayOpen = new CountDownLatch(1);
        AtomicReference<LandscapeStore> opened = new AtomicReference<>();
        Path file = dir.resolve("slow.db");
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        LandscapeListener listener = LandscapeListener.builder().store(() -> {
            try {
                mayOpen.await(120, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            opened.set(LandscapeStore.open(file));
            return opened.get();
        }).runName("slow").commitEvery(1).checkpointEvery(2).probe(DataSet.merge(data.subList(0, 4)))
                .snapshot("every:8").grid(3).sharpnessK(2).ascentSteps(2).hessianIterations(2).hutchinson(1)
                .build();
        net.setListeners(listener);
        long start = System.nanoTime();
        TestNets.train(net, data, 3); // 36 iterations, 3 epoch ends, snapshots at 8, 16, 24 and 32
        long trainingMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(opened.get()).as("the store is still opening").isNull();
        assertThat(trainingMillis).as("training waited for the store's opening").isLessThan(30_000);
        assertThat(net.params()).as("training unchanged").isEqualTo(reference.params());

        mayOpen.countDown();
        listener.close();
        try (LandscapeStore store = opened.get()) {
            String run = store.listRuns().get(0).runId();
            assertThat(store.scalars(run).iteration()).hasSize(36);
            assertThat(store.snapshotCount(run)).isGreaterThanOrEqualTo(4); // and the final one at close
            assertThat(store.checkpoints(run)).isNotEmpty();
        }
    }
}
