package io.github.landscape4j.listener;

import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.Snapshot;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With default options (snapshot=budget:10%), real programs get their landscape: a program of a few seconds, whose
 * data is smaller than the probe, gets at least its final snapshot at close(); a run that never formed a probe of
 * probeMin examples still gets one on what it saw, marked as such.
 */
class DefaultScheduleTest {

    @TempDir
    Path dir;

    private List<Snapshot> snapshots(Path file) {
        try (LandscapeStore store = LandscapeStore.openExisting(file)) {
            return store.snapshots(store.listRuns().get(0).runId());
        }
    }

    @Test
    void aShortProgramWithDefaultOptionsGetsItsFinalSnapshotAtClose() {
        Path file = dir.resolve("short.db");
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        List<DataSet> data = TestNets.data(20, 32, 20, 9); // 640 examples, fewer than probeSize=2000
        long iterations;
        try (LandscapeListener l = LandscapeListener.builder().store(file).build()) {
            net.addListeners(l);
            TestNets.train(net, data, 3);
            iterations = net.getIterationCount();
        }
        List<Snapshot> snaps = snapshots(file);
        assertThat(snaps).isNotEmpty();
        Snapshot last = snaps.get(snaps.size() - 1);
        assertThat(last.iteration()).isEqualTo(iterations - 1);
        assertThat(last.measure("train_loss")).isFinite();
        assertThat(last.surfaces()).isNotEmpty();
    }

    @Test
    void aRunOfOneIterationOnIdenticalExamplesGetsAMarkedSnapshotAndNoWarning() throws Exception {
        Path file = dir.resolve("one.db");
        DataSet one = TestNets.data(1, 1, 20, 3).get(0);
        DataSet same = DataSet.merge(java.util.Collections.nCopies(32, one));
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        String err = Stderr.of(() -> {
            try (LandscapeListener l = LandscapeListener.builder().store(file).build()) {
                net.addListeners(l);
                net.fit(same);
            }
        });
        List<Snapshot> snaps = snapshots(file);
        assertThat(snaps).hasSize(1);
        assertThat(snaps.get(0).probe().get("train")).startsWith("1 examples").contains("fewer than probeMin=32");
        assertThat(err).doesNotContain("with no landscape snapshot");
    }
}
