package io.github.landscape4j.engine;

import io.github.landscape4j.listener.LandscapeConfig;
import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.store.Slice;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.store.Surface;
import io.github.landscape4j.surface.internal.Probes;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Planes on the validation probe are an option (planeValidation, off by default): off, the planes' train grids are
 * the same numbers as with it on, their validation grids are empty, and the slices still take both probes.
 */
class PlaneValidationTest {

    private static Snapshot snapshot(MultiLayerNetwork net, Probe train, Probe val, String planeValidation) {
        SnapshotConfig c = LandscapeConfig.parse(Map.of("grid", "5", "planes", "random+pca", "sharpnessK", "0",
                "ascentSteps", "0", "hessianIterations", "0", "hutchinson", "0", "perTensorMeasures", "false",
                "planeValidation", planeValidation)).snapshots();
        INDArrays trajectory = new INDArrays(net);
        return LandscapeEngine.builder(net).config(c).seed(3).build().snapshot(SnapshotRequest.of(train)
                .withValidation(val).withTrajectory(trajectory.list, new long[]{0, 1, 2}, trajectory.list.get(0))
                .at(0, 2, 0, 0));
    }

    /** Three parameter vectors along a short training, for the PCA plane. */
    private static final class INDArrays {
        final List<org.nd4j.linalg.api.ndarray.INDArray> list = new java.util.ArrayList<>();

        INDArrays(MultiLayerNetwork net) {
            List<DataSet> data = TestNets.data(3, 16, 20, 5);
            for (DataSet d : data) {
                list.add(net.params().dup());
                net.fit(d);
            }
        }
    }

    @Test
    void offByDefaultTheTrainGridsStayAndTheSlicesKeepBothProbes() {
        assertThat(LandscapeConfig.defaults().snapshots().planeValidation()).isFalse();
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        Probe train = Probes.of(DataSet.merge(TestNets.data(4, 16, 20, 6)), 64, "train");
        Probe val = Probes.of(DataSet.merge(TestNets.data(2, 16, 20, 7)), 32, "val");
        Snapshot on = snapshot(net.clone(), train, val, "true");
        Snapshot off = snapshot(net.clone(), train, val, "false");
        assertThat(off.surfaces()).hasSize(2);
        for (int i = 0; i < off.surfaces().size(); i++) {
            Surface a = on.surfaces().get(i);
            Surface b = off.surfaces().get(i);
            assertThat(b.trainLoss()).isDeepEqualTo(a.trainLoss());
            assertThat(b.trainAccuracy()).isDeepEqualTo(a.trainAccuracy());
            assertThat(a.valLoss()).hasNumberOfRows(5);
            assertThat(b.valLoss()).isEmpty();
            assertThat(b.valAccuracy()).isEmpty();
        }
        assertThat(off.slices()).isNotEmpty().allMatch(s -> s.valLoss().length == s.trainLoss().length);
        for (Slice s : off.slices()) {
            assertThat(s.valLoss()).containsExactly(on.slices().stream().filter(o -> o.kind().equals(s.kind()))
                    .findFirst().orElseThrow().valLoss());
        }
        assertThat(off.measure("val_loss")).isEqualTo(on.measure("val_loss"));
    }
}
