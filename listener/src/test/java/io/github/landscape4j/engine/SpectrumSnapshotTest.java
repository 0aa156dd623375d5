package io.github.landscape4j.engine;

import io.github.landscape4j.listener.LandscapeConfig;
import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.RunWriter;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.store.Spectrum;
import io.github.landscape4j.surface.internal.Probes;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A snapshot with the default curvature options carries the Hessian spectrum of its λ_max run (the top Ritz value is
 * {@code hessian_top}, the next two {@code hessian_top_2} and {@code _3}, weights summing to 1), it reads back from a
 * real MapDB file whole, and a snapshot without λ_max has none.
 */
class SpectrumSnapshotTest {

    private static Snapshot snapshot(MultiLayerNetwork net, Map<String, String> options) {
        Probe train = Probes.of(DataSet.merge(TestNets.data(4, 16, 20, 6)), 64, "train");
        return LandscapeEngine.builder(net).config(LandscapeConfig.parse(options).snapshots()).seed(3).build()
                .snapshot(SnapshotRequest.of(train).at(0, 2, 0, 0));
    }

    @Test
    void aDefaultSnapshotCarriesItsSpectrumAndTheStoreKeepsIt(@TempDir Path dir) {
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        TestNets.train(net, TestNets.data(4, 16, 20, 5), 3);
        Snapshot s = snapshot(net, Map.of("grid", "5", "planes", "random"));
        Spectrum sp = s.spectrum();
        assertThat(sp).isNotNull();
        assertThat(sp.scope()).isEqualTo("all");
        int k = sp.values().length;
        assertThat(k).isEqualTo((int) s.measure("hessian_top_hvps"));
        assertThat(sp.values()[0]).isEqualTo(s.measure("hessian_top"));
        assertThat(sp.residuals()[0]).isCloseTo(s.measure("hessian_top_residual"),
                org.assertj.core.api.Assertions.within(1e-12 * sp.residuals()[0])); // one decomposition each
        assertThat(sp.values()[1]).isEqualTo(s.measure("hessian_top_2"));
        assertThat(sp.values()[2]).isEqualTo(s.measure("hessian_top_3"));
        assertThat(sp.residuals()[1]).isEqualTo(s.measure("hessian_top_2_residual"));
        assertThat(Arrays.stream(sp.weights()).sum()).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-12));

        Path file = dir.resolve("spectrum.db");
        RunInfo info = new RunInfo("r1", "w0", "spectrum", List.of(), 3, Instant.parse("2026-12-07T00:00:00Z"),
                "MultiLayerNetwork", "{}", net.numParams(), io.github.landscape4j.engine.internal.Models.tensors(net),
                Map.of(), Map.of(), 0, List.of());
        try (LandscapeStore store = LandscapeStore.open(file); RunWriter w = RunWriter.begin(store, info)) {
            w.checkpoint(2, 0, Checkpoint.Kind.FINAL, net.params());
            w.snapshot(s);
        }
        try (LandscapeStore store = LandscapeStore.openExisting(file)) {
            Spectrum back = store.snapshots("r1").get(0).spectrum();
            assertThat(back.values()).containsExactly(sp.values());
            assertThat(back.weights()).containsExactly(sp.weights());
            assertThat(back.residuals()).containsExactly(sp.residuals());
            assertThat(back.scope()).isEqualTo("all");
        }
    }

    @Test
    void noTopEigenvalueNoSpectrum() {
        Snapshot s = snapshot(TestNets.mlpSgd(0.1), Map.of("grid", "5", "planes", "random", "hessianIterations",
                "0"));
        assertThat(s.spectrum()).isNull();
        assertThat(s.measures()).doesNotContainKeys("hessian_top_2", "hessian_top_3");
    }
}
