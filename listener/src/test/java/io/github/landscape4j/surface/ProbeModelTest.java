package io.github.landscape4j.surface;

import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.engine.Evaluation;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.surface.internal.ProbeModel;
import io.github.landscape4j.surface.internal.Probes;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.adapter.SingletonDataSetIterator;
import org.nd4j.linalg.learning.config.Sgd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * A grid point's loss and accuracy (the cross-entropy row path, one point or several together) equal the general
 * path's and DL4J's own: at the trained weights, and at weights blown up so far that the softmax saturates and
 * MCXENT's clipping decides the loss.
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
            // several points scored together in one row (the buffers grow past the capacity asked for)
            INDArray theta = model.params().dup();
            double[] factors = {1.0, 0.5, 3.0};
            ProbeModel.Row row = model.row(probe, 1);
            Evaluation[] one = new Evaluation[factors.length];
            for (int i = 0; i < factors.length; i++) {
                model.load(theta.mul(factors[i]));
                one[i] = model.evaluate(probe);
                row.add(model.outputs(probe));
            }
            Evaluation[] together = row.finish();
            for (int i = 0; i < factors.length; i++) {
                assertThat(together[i].loss()).isCloseTo(one[i].loss(), within(1e-6 * Math.max(1, one[i].loss())));
                assertThat(together[i].accuracy()).isEqualTo(one[i].accuracy());
            }
            model.load(theta);
            if (type == null) { // the network's own type: DL4J's numbers (a double copy saturates differently)
                double score = net.score(data, false);
                assertThat(full.loss()).isCloseTo(score, within(1e-6 * Math.max(1, score)));
                assertThat(full.accuracy()).isEqualTo(dl4jAccuracy);
            }
        }
    }
}
