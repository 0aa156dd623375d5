package io.github.landscape4j.engine;

import io.github.landscape4j.listener.LandscapeConfig;
import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.surface.internal.Probes;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Snapshot levels on a real network (convolution, batch norm, ReLU, softmax): the engine takes the richest level
 * predicted to fit, a reduced level is computed on a seeded subsample of the probe whose loss DL4J's own score of the
 * same examples confirms, and a level that cannot fit the hard limit is given up before its costly parts.
 */
class SnapshotLevelsTest {

    private static SnapshotConfig defaults() {
        return LandscapeConfig.parse(Map.of("sharpnessK", "4", "ascentSteps", "2", "hessianIterations", "4",
                "hutchinson", "2")).snapshots();
    }

    @Test
    void aTightBudgetGetsAGlanceOnASubsampleOfTheProbeThatDl4jAgreesWith() {
        MultiLayerNetwork net = TestNets.cnnWithBatchNorm();
        List<DataSet> data = TestNets.images(8, 16, 3);
        TestNets.train(net, data, 1);
        INDArray before = net.params().dup();
        Probe probe = Probes.of(DataSet.merge(data), 128, "test");
        LandscapeEngine engine = LandscapeEngine.builder(net).config(defaults()).seed(7).build();

        Snapshot quick = engine.snapshot(SnapshotRequest.of(probe).withLevels(1)); // 1 ns: nothing fits

        assertThat(quick.level()).isEqualTo("glance");
        assertThat(quick.surfaces()).singleElement().satisfies(s -> {
            assertThat(s.plane()).isEqualTo("random");
            assertThat(s.xs()).hasSize(3);
        });
        assertThat(quick.slices()).isEmpty();
        assertThat(quick.measures()).doesNotContainKeys("sharpness_eps", "hessian_top", "hessian_trace")
                .containsKeys("train_loss", "train_loss_se", "sharpness_random_mean");
        assertThat(quick.probe().get("train")).startsWith("32 examples").contains("32 of the 128 examples");
        // independent: DL4J's own inference-mode score of the same 32 examples
        Probe sub = probe.subsample(32, 7 * 31 + SnapshotLevel.GLANCE.ordinal());
        DataSet subData = new DataSet(sub.features()[0], sub.labels()[0]);
        assertThat(quick.measure("train_loss")).isCloseTo(net.score(subData, false), within(1e-5));
        assertThat(net.params()).isEqualTo(before);

        Snapshot full = engine.snapshot(SnapshotRequest.of(probe).withLevels(Long.MAX_VALUE).at(1, 0, 0, 0));
        assertThat(full.level()).isEqualTo("full");
        assertThat(full.surfaces()).extracting(io.github.landscape4j.store.Surface::plane).containsExactly("random");
        assertThat(full.surfaces().get(0).xs()).hasSize(21);
        assertThat(full.measure("train_loss")).isCloseTo(net.score(DataSet.merge(data), false), within(1e-5));
    }

    @Test
    void eachLevelCapsTheOptionsAsDocumented() {
        SnapshotConfig full = LandscapeConfig.defaults().snapshots();
        SnapshotConfig quick = SnapshotLevel.QUICK.config(full);
        assertThat(quick.grid()).isEqualTo(5);
        assertThat(quick.planes()).containsExactly("random");
        assertThat(quick.slices()).isFalse();
        assertThat(quick.ascentSteps()).isZero();
        assertThat(quick.hessianIterations()).isEqualTo(4);
        assertThat(quick.hutchinson()).isEqualTo(2);
        SnapshotConfig medium = SnapshotLevel.MEDIUM.config(full);
        assertThat(medium.grid()).isEqualTo(11);
        assertThat(medium.planes()).containsExactlyInAnyOrder("random", "pca");
        assertThat(medium.perTensorMeasures()).isFalse();
        assertThat(medium.ascentSteps()).isEqualTo(full.ascentSteps());
        assertThat(SnapshotLevel.FULL.config(full)).isSameAs(full);
        assertThat(SnapshotLevel.GLANCE.config(full.withGrid(3)).grid()).isEqualTo(3);
        assertThat(SnapshotLevel.MEDIUM.probeSize(2000)).isEqualTo(1000);
        assertThat(SnapshotLevel.MEDIUM.probeSize(40)).isEqualTo(40);
    }

    @Test
    void badLevelInputsAreRefusedWithWhatIsAllowed() {
        assertThatThrownBy(() -> LandscapeConfig.parse(Map.of("finalSeconds", "-1")))
                .isInstanceOf(io.github.landscape4j.listener.InvalidConfigException.class)
                .hasMessageContaining("finalSeconds=-1").hasMessageContaining("[0, 86400]");
        assertThatThrownBy(() -> SnapshotRequest.of(Probes.of(DataSet.merge(TestNets.data(1, 16, 20, 5)), 16, "t"))
                .withLevels(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("levelNanos -1");
        assertThatThrownBy(() -> SnapshotLevel.ofKey("huge")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("allowed are full, medium, coarse, quick, glance");
        // a record written before levels existed reads as a full snapshot
        Snapshot old = io.github.landscape4j.store.internal.Json.GSON.fromJson("{\"index\":0,\"iteration\":3}",
                Snapshot.class);
        assertThat(old.level()).isEqualTo("full");
        assertThat(SnapshotLevel.ofKey(old.level())).isEqualTo(SnapshotLevel.FULL);
    }

    @Test
    void aSubsampleIsSeededAndKeepsItsRowsWhole() {
        DataSet all = DataSet.merge(TestNets.data(4, 16, 20, 5));
        Probe probe = Probes.of(all, 64, "test");
        Probe a = probe.subsample(10, 3);
        Probe b = probe.subsample(10, 3);
        assertThat(a.features()[0]).isEqualTo(b.features()[0]);
        assertThat(a.size()).isEqualTo(10);
        assertThat(probe.subsample(64, 3)).isSameAs(probe);
        // every subsampled example is one of the probe's, with its own label
        for (int i = 0; i < 10; i++) {
            INDArray x = a.features()[0].getRow(i);
            boolean found = false;
            for (int j = 0; j < 64 && !found; j++) {
                found = probe.features()[0].getRow(j).equals(x) && probe.labels()[0].getRow(j)
                        .equals(a.labels()[0].getRow(i));
            }
            assertThat(found).as("example %d", i).isTrue();
        }
    }

    @Test
    void aLevelThatCannotFitItsHardLimitIsGivenUpBeforeItsParts() {
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        List<DataSet> data = TestNets.data(4, 16, 20, 5);
        TestNets.train(net, data, 1);
        LandscapeEngine engine = LandscapeEngine.builder(net).config(defaults()).build();
        Probe probe = Probes.of(DataSet.merge(data), 64, "test");
        engine.snapshot(SnapshotRequest.of(probe).withLevels(Long.MAX_VALUE)); // full, calibrated and timed
        long quick = engine.predictNanos(SnapshotLevel.GLANCE, SnapshotRequest.of(probe));
        assertThatThrownBy(() -> engine.snapshot(SnapshotRequest.of(probe).withLimit("t", quick / 2, () -> false)
                .withLevels(1)))
                .isInstanceOf(SnapshotAbandoned.class)
                .hasMessageContaining("the glance snapshot is predicted to take")
                .satisfies(e -> assertThat(((SnapshotAbandoned) e).predictedNanos()).isPositive());
        // the engine measured on the way: its predictions are known and ordered by richness
        SnapshotRequest r = SnapshotRequest.of(probe);
        assertThat(engine.predictNanos(SnapshotLevel.GLANCE, r)).isPositive()
                .isLessThan(engine.predictNanos(SnapshotLevel.QUICK, r));
        assertThat(engine.predictNanos(SnapshotLevel.QUICK, r)).isLessThan(engine.predictNanos(SnapshotLevel.COARSE, r));
        assertThat(engine.predictNanos(SnapshotLevel.MEDIUM, r)).isLessThanOrEqualTo(
                engine.predictNanos(SnapshotLevel.FULL, r));
    }
}
