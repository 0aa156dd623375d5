package io.github.landscape4j.engine.shard;

import io.github.landscape4j.store.Slice;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.store.Surface;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Asserts that two snapshots hold the same numbers bit for bit (timings aside): every surface's and slice's grids,
 * coordinates, labels and path (arrays compare by {@code Double.equals}), every measure by its bits, the per-tensor
 * measures and the probe. For the shard, Spark and offline-Spark tests.
 */
public final class SameSnapshot {
    private SameSnapshot() {
    }

    public static void assertBitForBit(Snapshot actual, Snapshot expected) {
        assertThat(actual.surfaces()).hasSameSizeAs(expected.surfaces());
        for (int i = 0; i < expected.surfaces().size(); i++) {
            Surface w = expected.surfaces().get(i);
            Surface s = actual.surfaces().get(i);
            assertThat(s.plane()).isEqualTo(w.plane());
            assertThat(s.trainLoss()).as(w.plane()).isDeepEqualTo(w.trainLoss());
            assertThat(s.trainAccuracy()).isDeepEqualTo(w.trainAccuracy());
            assertThat(s.valLoss()).isDeepEqualTo(w.valLoss());
            assertThat(s.valAccuracy()).isDeepEqualTo(w.valAccuracy());
            assertThat(s.xs()).containsExactly(w.xs());
            assertThat(s.ys()).containsExactly(w.ys());
            assertThat(s.axisLabels()).isEqualTo(w.axisLabels());
            assertThat(s.path()).isDeepEqualTo(w.path());
        }
        assertThat(actual.slices()).hasSameSizeAs(expected.slices()).isNotEmpty();
        for (int i = 0; i < expected.slices().size(); i++) {
            Slice x = actual.slices().get(i);
            Slice y = expected.slices().get(i);
            assertThat(x.kind()).isEqualTo(y.kind());
            assertThat(x.alphas()).isEqualTo(y.alphas());
            assertThat(x.trainLoss()).as(y.kind()).isEqualTo(y.trainLoss());
            assertThat(x.trainAccuracy()).isEqualTo(y.trainAccuracy());
            assertThat(x.valLoss()).isEqualTo(y.valLoss());
            assertThat(x.valAccuracy()).isEqualTo(y.valAccuracy());
        }
        assertThat(bits(actual.measures())).isEqualTo(bits(expected.measures()));
        assertThat(actual.perTensor()).isEqualTo(expected.perTensor());
        if (expected.spectrum() == null) {
            assertThat(actual.spectrum()).isNull();
        } else { // the Hessian's spectrum, bit for bit
            assertThat(actual.spectrum().values()).containsExactly(expected.spectrum().values());
            assertThat(actual.spectrum().weights()).containsExactly(expected.spectrum().weights());
            assertThat(actual.spectrum().residuals()).containsExactly(expected.spectrum().residuals());
            assertThat(actual.spectrum().scope()).isEqualTo(expected.spectrum().scope());
        }
        assertThat(actual.probe()).isEqualTo(expected.probe());
    }

    private static Map<String, Long> bits(Map<String, Double> m) {
        Map<String, Long> out = new HashMap<>();
        m.forEach((k, v) -> out.put(k, Double.doubleToLongBits(v)));
        return out;
    }
}
