package io.github.landscape4j.surface;

import io.github.landscape4j.listener.LandscapeListener;
import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.Snapshot;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A model whose parameters turn NaN has no landscape: its snapshots say "diverged" with every measure undefined,
 * never the flat, finite 23.03 of a clipped softmax loss (which would read as the flattest minimum there is), and
 * snapshots go on once the parameters are finite again.
 */
class DivergedSnapshotTest {

    @TempDir
    Path dir;

    @Test
    void nanParametersGiveUndefinedMeasuresAndLaterSnapshotsGoOn() {
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        List<DataSet> train = TestNets.data(12, 16, 20, 31);
        Path file = dir.resolve("diverged.db");
        INDArray[] saved = new INDArray[1];
        try (LandscapeListener listener = LandscapeListener.builder().store(file)
                .probe(DataSet.merge(TestNets.data(4, 16, 20, 32))).snapshotEvery(2).checkpointEvery(1).grid(5)
                .sharpnessK(2).ascentSteps(2).hessianIterations(2).hutchinson(1).planes("random", "pca").build()) {
            net.setListeners(new BaseTrainingListener() { // the user's own listener, before ours
                @Override
                public void iterationDone(Model model, int iteration, int epoch) {
                    if (iteration == 3) {
                        saved[0] = model.params().dup();
                        model.params().assign(Double.NaN);
                    } else if (iteration == 5) {
                        model.params().assign(saved[0]);
                    }
                }
            }, listener);
            TestNets.train(net, train, 1);
            assertThat(listener.faulted()).isFalse();
        }
        try (LandscapeStore store = LandscapeStore.openExisting(file)) {
            List<Snapshot> snaps = store.snapshots(store.listRuns().get(0).runId());
            Snapshot ok = snaps.stream().filter(s -> s.iteration() == 2).findFirst().orElseThrow();
            Snapshot nan = snaps.stream().filter(s -> s.iteration() == 4).findFirst().orElseThrow();
            Snapshot later = snaps.stream().filter(s -> s.iteration() == 8).findFirst().orElseThrow();
            assertThat(ok.measure("diverged")).isZero();
            assertThat(nan.measure("diverged")).isEqualTo(1.0);
            assertThat(nan.measure("train_loss")).isNaN();
            assertThat(nan.measure("sharpness_random_mean")).isNaN();
            assertThat(nan.surfaces()).isEmpty();
            assertThat(later.measure("diverged")).isZero();
            assertThat(later.measure("train_loss")).isFinite();
            assertThat(later.surfaces()).extracting(s -> s.plane()).contains("random", "pca");
        }
    }
}
