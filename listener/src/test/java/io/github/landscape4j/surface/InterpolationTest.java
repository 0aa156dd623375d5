package io.github.landscape4j.surface;

import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.store.Slice;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class InterpolationTest {

    @Test
    void endsAreTheTwoModelsLosses() {
        MultiLayerNetwork a = TestNets.mlpSgd(0.1);
        MultiLayerNetwork b = TestNets.mlpSgd(0.1);
        TestNets.train(b, TestNets.data(10, 16, 20, 61), 2);
        float[] aBefore = a.params().toFloatVector();
        DataSet probe = DataSet.merge(TestNets.data(4, 16, 20, 62));
        DataSet val = DataSet.merge(TestNets.data(4, 16, 20, 63));
        Slice s = Interpolation.between(a, b, probe, val, Interpolation.defaultAlphas());
        assertThat(s.alphas()[10]).isCloseTo(0.0, within(1e-12));
        assertThat(s.alphas()[30]).isCloseTo(1.0, within(1e-12));
        assertThat(s.trainLoss()[10]).isCloseTo(a.score(probe, false), within(1e-5));
        assertThat(s.trainLoss()[30]).isCloseTo(b.score(probe, false), within(1e-5));
        assertThat(s.valLoss()[30]).isCloseTo(b.score(val, false), within(1e-5));
        assertThat(a.params().toFloatVector()).containsExactly(aBefore);
        assertThatThrownBy(() -> Interpolation.between(a, TestNets.cnnWithBatchNorm(), probe, null, new double[]{0}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("parameter count");
    }
}
