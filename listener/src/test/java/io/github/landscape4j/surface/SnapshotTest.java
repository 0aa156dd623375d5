package io.github.landscape4j.surface;

import io.github.landscape4j.listener.LandscapeListener;
import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.Slice;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.store.Surface;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Snapshots taken by the listener during real training, read back from a real store file. */
class SnapshotTest {

    @TempDir
    Path dir;

    @Test
    void snapshotsDuringTrainingHoldSurfacesSlicesAndMeasures() {
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        List<DataSet> train = TestNets.data(12, 16, 20, 31);
        DataSet probe = DataSet.merge(TestNets.data(4, 16, 20, 32));
        DataSet heldOut = DataSet.merge(TestNets.data(4, 16, 20, 33));
        List<Double> scoresAfterUs = new ArrayList<>();
        Path file = dir.resolve("snap.db");
        double[] lossAtEnd = new double[1];
        try (LandscapeListener listener = LandscapeListener.builder().store(file).probe(probe).validation(heldOut)
                .snapshotEvery(4).checkpointEvery(2).grid(7).sharpnessK(5).ascentSteps(3).hessianIterations(5)
                .hutchinson(2).planes("random", "pca", "hessian").planeValidation(true).build()) {
            net.setListeners(listener, new BaseTrainingListener() {
                @Override
                public void iterationDone(Model model, int iteration, int epoch) {
                    scoresAfterUs.add(model.score());
                }
            });
            TestNets.train(net, train, 1);
            lossAtEnd[0] = net.score(probe, false);
            assertThat(listener.faulted()).isFalse();
        }
        try (LandscapeStore store = LandscapeStore.openExisting(file)) {
            String run = store.listRuns().get(0).runId();
            List<Snapshot> snaps = store.snapshots(run);
            // every:4 over iterations 0..11 gives 0, 4, 8; close() adds the final point, iteration 11
            assertThat(snaps).extracting(Snapshot::iteration).containsExactly(0L, 4L, 8L, 11L);
            assertThat(store.snapshotCount(run)).isEqualTo(4);
            Snapshot last = snaps.get(3);
            assertThat(last.index()).isEqualTo(3);
            // the centre is the model's own score on the probe (no regularization configured)
            assertThat(last.measure("train_loss")).isCloseTo(lossAtEnd[0], within(1e-5));
            Surface random = last.surfaces().stream().filter(s -> s.plane().equals("random")).findFirst()
                    .orElseThrow();
            assertThat(random.trainLoss()[3][3]).isCloseTo(last.measure("train_loss"), within(1e-6));
            assertThat(random.valLoss()[3][3]).isCloseTo(last.measure("val_loss"), within(1e-6));
            assertThat(random.xs()).hasSize(7).startsWith(-1.0).endsWith(1.0);
            assertThat(last.measure("gap")).isCloseTo(last.measure("val_loss") - last.measure("train_loss"),
                    within(1e-12));
            assertThat(last.measure("train_loss_se")).isPositive();
            assertThat(last.measure("train_accuracy")).isBetween(0.0, 1.0);
            for (String key : List.of("sharpness_random_mean", "sharpness_random_max", "sharpness_eps",
                    "sharpness_adaptive", "hessian_top", "hessian_trace", "probe_gradient_norm")) {
                assertThat(last.measure(key)).as(key).isFinite();
            }
            assertThat(last.perTensor()).containsKeys("0_W", "1_W");
            assertThat(last.perTensor().get("0_W")).containsKeys("sharpness_random_mean", "hessian_top");
            assertThat(last.timingsMillis()).containsKeys("centre", "random plane", "total");

            Surface pca = last.surfaces().stream().filter(s -> s.plane().equals("pca")).findFirst().orElseThrow();
            assertThat(pca.explainedVariance()[0]).isGreaterThanOrEqualTo(pca.explainedVariance()[1]);
            assertThat(pca.axisLabels().get(0)).startsWith("PC1 (");
            assertThat(pca.path().length).isEqualTo(pca.pathIterations().length).isGreaterThanOrEqualTo(2);
            assertThat(pca.pathIterations()[0]).isZero();
            assertThat(last.surfaces()).extracting(Surface::plane).contains("hessian");

            Slice interpolation = last.slices().stream().filter(s -> s.kind().equals("interpolation")).findFirst()
                    .orElseThrow();
            // grid 7: alphas -0.5 .. 1.5 in 9 points (4k+1, so that 0 and 1 are on the grid)
            assertThat(interpolation.alphas()).hasSize(9);
            int atZero = 2;
            int atOne = 6;
            assertThat(interpolation.alphas()[atZero]).isCloseTo(0.0, within(1e-12));
            assertThat(interpolation.alphas()[atOne]).isCloseTo(1.0, within(1e-12));
            assertThat(interpolation.trainLoss()[atOne]).isCloseTo(last.measure("train_loss"), within(1e-5));
            Checkpoint initial = store.checkpoints(run).get(0);
            MultiLayerNetwork atStart = net.clone();
            atStart.setParams(Nd4j.createFromArray(initial.params()).reshape(1, initial.params().length));
            assertThat(interpolation.trainLoss()[atZero]).isCloseTo(atStart.score(probe, false), within(1e-5));

            // the random plane is drawn once per run: the same seed for every snapshot
            assertThat(snaps).extracting(Snapshot::seed).containsOnly(snaps.get(0).seed());
        }
        // listeners after ours saw DL4J's minibatch score, untouched
        MultiLayerNetwork reference = TestNets.mlpSgd(0.1);
        List<Double> scores = new ArrayList<>();
        reference.setListeners(new BaseTrainingListener() {
            @Override
            public void iterationDone(Model model, int iteration, int epoch) {
                scores.add(model.score());
            }
        });
        TestNets.train(reference, train, 1);
        assertThat(scoresAfterUs).containsExactlyElementsOf(scores);
        assertThat(net.params().toFloatVector()).containsExactly(reference.params().toFloatVector());
    }

    @Test
    void aFailingSnapshotIsSkippedAndRecordingGoesOn() {
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        DataSet wrongShape = DataSet.merge(TestNets.data(2, 8, 7, 1)); // 7 features for a 20-input network
        try (LandscapeListener listener = LandscapeListener.builder().store(dir.resolve("bad.db")).probe(wrongShape)
                .snapshotEvery(1).build()) {
            net.setListeners(listener);
            TestNets.train(net, TestNets.data(5, 8, 20, 2), 1);
            listener.flush();
            assertThat(listener.faulted()).as("recording goes on").isFalse();
            assertThat(listener.snapshotCount()).isZero();
            assertThat(listener.store().orElseThrow().scalars(listener.runs().get(0).runId()).size()).isEqualTo(5);
        }
    }
}
