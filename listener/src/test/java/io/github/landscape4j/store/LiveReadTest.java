package io.github.landscape4j.store;

import io.github.landscape4j.listener.LandscapeListener;
import io.github.landscape4j.listener.TestNets;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A reader in the same JVM sees the run grow while training writes; DL4J's StatsListener shares the file. */
class LiveReadTest {

    @TempDir
    Path dir;

    @Test
    void readerFollowsTheRunWhileTrainingWrites() throws Exception {
        Path file = dir.resolve("live.db");
        List<DataSet> data = TestNets.data(400, 16, 20, 12);
        try (LandscapeStore store = LandscapeStore.open(file);
             LandscapeListener listener = LandscapeListener.builder().store(store).every(1).commitEvery(10).snapshot("off").build()) {
            MultiLayerNetwork net = TestNets.mlpSgd(0.05);
            net.setListeners(listener, new StatsListener(store.statsStorage(), 10));
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread trainer = new Thread(() -> {
                try {
                    for (int epoch = 0; epoch < 3; epoch++) {
                        net.fit(new ExistingDataSetIterator(data));
                    }
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            trainer.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                if (failure.get() != null) { // training died (e.g. a class DL4J's StatsListener needs is missing)
                    throw new AssertionError("training failed", failure.get());
                }
                return !store.listRuns().isEmpty();
            });
            String run = store.listRuns().get(0).runId();
            int[] sizes = new int[2];
            await().atMost(Duration.ofSeconds(60)).until(() -> (sizes[0] = store.scalars(run).size()) >= 20);
            await().atMost(Duration.ofSeconds(60)).until(() -> (sizes[1] = store.scalars(run).size()) > sizes[0]);
            trainer.join();
            assertThat(failure.get()).isNull();
            listener.flush();
            assertThat(store.scalars(run).size()).isEqualTo(1200);
            assertThat(sizes[1]).isLessThan(1200);
            // DL4J's own StatsListener wrote its session into the same file; our reader lists only our run
            assertThat(store.statsStorage().listSessionIDs()).hasSize(2);
            assertThat(store.listRuns()).hasSize(1);
        }
    }
}
