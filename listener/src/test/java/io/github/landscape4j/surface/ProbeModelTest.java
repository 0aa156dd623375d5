package io.github.landscape4j.surface;

import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.surface.internal.Evaluation;
import io.github.landscape4j.surface.internal.Probe;
import io.github.landscape4j.surface.internal.ProbeModel;
import io.github.landscape4j.surface.internal.Probes;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.adapter.SingletonDataSetIterator;
import org.nd4j.linalg.learning.config.Sgd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A grid point's loss and accuracy (the cross-entropy fast path) equal the general path's and DL4J's own: at the
 * trained weights, and at weights blown up so far that the softmax saturates and MCXENT's clipping decides the loss.
 */
class ProbeModelTest {

    @ParameterizedTest
    @ValueSource(doubles = {1, 40})
    void gridPointEqualsTheFullEvaluationAndDl4jScore(double scale) {
        MultiLayerNetwork net = TestNets.mlp(new Sgd(0.1), 1.0);
        TestNets.train(net, TestNets.data(10, 16, 20, 61), 1);
        net.params().muli(scale);
        DataSet data = DataSet.merge(TestNets.data(4, 16, 20, 62));
        Probe probe = Probes.of(data, 64, "test");
        double dl4jAccuracy = net.evaluate(new SingletonDataSetIterator(data)).accuracy();
        for (DataType type : new DataType[]{null, DataType.DOUBLE}) {
            ProbeModel model = ProbeModel.of(net, type);
            Evaluation full = model.evaluate(probe);
            for (int repeat = 0; repeat < 3; repeat++) { // buffers are reused
                Evaluation point = model.evaluatePoint(probe);
                assertThat(point.loss()).isCloseTo(full.loss(), within(1e-6 * Math.max(1, full.loss())));
                assertThat(point.accuracy()).isEqualTo(full.accuracy());
                assertThat(point.standardError()).isNaN();
            }
            if (type == null) { // the network's own type: DL4J's numbers (a double copy saturates differently)
                double score = net.score(data, false);
                assertThat(full.loss()).isCloseTo(score, within(1e-6 * Math.max(1, score)));
                assertThat(full.accuracy()).isEqualTo(dl4jAccuracy);
            }
        }
    }
}
