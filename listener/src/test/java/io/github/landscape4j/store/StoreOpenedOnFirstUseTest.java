package io.github.landscape4j.store;

import io.github.landscape4j.listener.LandscapeListener;
import io.github.landscape4j.listener.TestNets;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code store(Supplier)}: the store is opened by the run's writer thread, not the training thread, and gets every
 * record; a store that cannot be opened faults the listener (logged) while training goes on unchanged.
 */
class StoreOpenedOnFirstUseTest {

    @TempDir
    Path dir;

    @Test
    void openedOnTheWriterThreadAndGetsEveryRecord() {
        Path file = dir.resolve("later.db");
        AtomicReference<String> openedOn = new AtomicReference<>();
        AtomicReference<LandscapeStore> opened = new AtomicReference<>();
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        try (LandscapeListener listener = LandscapeListener.builder().store(() -> {
            openedOn.set(Thread.currentThread().getName());
            opened.set(LandscapeStore.open(file));
            return opened.get();
        }).commitEvery(1).checkpointEvery(4).snapshot("off").build()) {
            assertThat(Files.exists(file)).as("not opened at build").isFalse();
            net.setListeners(listener);
            TestNets.train(net, TestNets.data(12, 8, 20, 3), 1);
            listener.flush();
        }
        assertThat(openedOn.get()).startsWith("landscape4j-writer-").isNotEqualTo(Thread.currentThread().getName());
        opened.get().close();
        try (LandscapeStore store = LandscapeStore.openExisting(file)) {
            String run = store.listRuns().get(0).runId();
            assertThat(store.run(run).numParams()).isEqualTo(net.numParams());
            assertThat(store.run(run).modelConfigJson()).contains("DenseLayer");
            assertThat(store.scalars(run).iteration()).hasSize(12);
        }
    }

    @Test
    void aStoreThatCannotBeOpenedFaultsTheListenerNotTraining() {
        List<DataSet> data = TestNets.data(10, 8, 20, 4);
        MultiLayerNetwork reference = TestNets.mlpSgd(0.1);
        TestNets.train(reference, data, 1);
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        try (LandscapeListener listener = LandscapeListener.builder().store(() -> {
            throw new StoreException("cannot open /nowhere/x.db: test");
        }).commitEvery(1).build()) {
            net.setListeners(listener);
            TestNets.train(net, data, 1);
            listener.flush();
            assertThat(listener.faulted()).isTrue();
        }
        assertThat(net.params().toFloatVector()).containsExactly(reference.params().toFloatVector());
    }
}
