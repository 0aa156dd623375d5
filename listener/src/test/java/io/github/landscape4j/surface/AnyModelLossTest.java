package io.github.landscape4j.surface;

import io.github.landscape4j.engine.LandscapeEngine;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.engine.SnapshotRequest;
import io.github.landscape4j.listener.AnyNets;
import io.github.landscape4j.listener.LandscapeConfig;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.surface.internal.ProbeModel;
import io.github.landscape4j.surface.internal.Probes;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.dataset.adapter.SingletonDataSetIterator;
import org.nd4j.linalg.dataset.adapter.SingletonMultiDataSetIterator;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The probe loss is in DL4J's own units: equal to {@code model.score(probe)} (no regularization in these nets) for an
 * LSTM with padded sequences, a seq2seq graph with two inputs, {@code miniBatch(false)}, a regression and a two-head
 * graph; accuracy only for classifiers (per time step for RNN outputs, as DL4J's {@code evaluate}), MSE and MAE for
 * regression outputs, per-output losses for several outputs.
 */
class AnyModelLossTest {

    static SnapshotConfig centreOnly() {
        return LandscapeConfig.parse(Map.of("planes", "none", "slices", "false", "sharpnessK", "0", "ascentSteps",
                "0", "hessianIterations", "0", "hutchinson", "0", "perTensorMeasures", "false")).snapshots();
    }

    static Snapshot snapshot(Model model, Probe probe) {
        return LandscapeEngine.builder(model).config(centreOnly()).build().snapshot(SnapshotRequest.of(probe));
    }

    static Probe probe(MultiDataSet d) {
        return new Probe(d.getFeatures(), d.getLabels(), d.getFeaturesMaskArrays(), d.getLabelsMaskArrays(), "test");
    }

    static double rel(double v) {
        return 1e-5 * Math.max(1, Math.abs(v));
    }

    @Test
    void lstmWithMasksScoresAsDl4jPerSequenceAndAccuracyPerTimeStep() {
        MultiLayerNetwork net = AnyNets.lstm();
        DataSet train = AnyNets.sequences(16, 1);
        for (int i = 0; i < 5; i++) {
            net.fit(train);
        }
        DataSet data = AnyNets.sequences(12, 2);
        Probe probe = Probes.of(data, 12, "test");
        double score = net.score(data, false);
        ProbeModel model = ProbeModel.of(net, null);
        assertThat(model.evaluate(probe).loss()).isCloseTo(score, within(rel(score)));
        // a grid point scores the same
        assertThat(model.evaluatePoint(probe).loss()).isCloseTo(score, within(rel(score)));
        Evaluation dl4j = net.evaluate(new SingletonDataSetIterator(data));
        Snapshot s = snapshot(net, probe);
        assertThat(s.measure("train_loss")).isCloseTo(score, within(rel(score)));
        assertThat(s.measure("train_accuracy")).isCloseTo(dl4j.accuracy(), within(1e-9));
        assertThat(s.measures()).doesNotContainKeys("train_mse", "train_loss_out0");
        assertThat(s.probe().get("loss_units")).contains("summed over unmasked time steps", "mean over examples");
        // the padding would count without the masks
        double unmasked = net.score(new DataSet(data.getFeatures(), data.getLabels()), false);
        assertThat(unmasked).isNotCloseTo(score, within(0.01 * score));
    }

    @Test
    void lossLayersScoreAsDl4j() {
        MultiLayerNetwork net = new MultiLayerNetwork(new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                .seed(1).updater(new org.nd4j.linalg.learning.config.Adam(1e-2)).list()
                .layer(new org.deeplearning4j.nn.conf.layers.LSTM.Builder().nIn(3).nOut(2)
                        .activation(org.nd4j.linalg.activations.Activation.TANH).build())
                .layer(new org.deeplearning4j.nn.conf.layers.RnnLossLayer.Builder(
                        org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.MCXENT)
                        .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build()).build());
        net.init();
        DataSet data = AnyNets.sequences(10, 9);
        for (int i = 0; i < 3; i++) {
            net.fit(data);
        }
        double score = net.score(data, false);
        Snapshot s = snapshot(net, Probes.of(data, 10, "test"));
        assertThat(s.measure("train_loss")).isCloseTo(score, within(rel(score)));
        Evaluation dl4j = net.evaluate(new SingletonDataSetIterator(data));
        assertThat(s.measure("train_accuracy")).isCloseTo(dl4j.accuracy(), within(1e-9));
    }

    @Test
    void seq2seqGraphWithTwoInputsScoresAsDl4j() {
        ComputationGraph g = AnyNets.seq2seq();
        MultiDataSet train = AnyNets.seq2seqData(16, 3);
        for (int i = 0; i < 5; i++) {
            g.fit(train);
        }
        MultiDataSet data = AnyNets.seq2seqData(10, 4);
        double score = g.score(data, false);
        Probe probe = probe(data);
        assertThat(ProbeModel.of(g, null).evaluate(probe).loss()).isCloseTo(score, within(rel(score)));
        Snapshot s = snapshot(g, probe);
        assertThat(s.measure("train_loss")).isCloseTo(score, within(rel(score)));
        Evaluation dl4j = g.evaluate(new SingletonMultiDataSetIterator(data));
        assertThat(s.measure("train_accuracy")).isCloseTo(dl4j.accuracy(), within(1e-9));
    }

    @Test
    void miniBatchFalseScoresTheSumAsDl4j() {
        MultiLayerNetwork net = AnyNets.xor();
        DataSet data = AnyNets.xorData();
        for (int i = 0; i < 20; i++) {
            net.fit(data);
        }
        double score = net.score(data, false);
        Probe probe = Probes.of(data, 4, "xor");
        ProbeModel model = ProbeModel.of(net, null);
        assertThat(model.evaluate(probe).loss()).isCloseTo(score, within(rel(score)));
        assertThat(model.evaluatePoint(probe).loss()).isCloseTo(score, within(rel(score)));
        Snapshot s = snapshot(net, probe);
        assertThat(s.measure("train_loss")).isCloseTo(score, within(rel(score)));
        assertThat(s.probe().get("loss_units")).contains("summed over examples (miniBatch(false))");
    }

    @Test
    void aSigmoidBinaryClassifierGetsAccuracyAtThresholdHalf() {
        MultiLayerNetwork net = new MultiLayerNetwork(new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder()
                .seed(1).updater(new org.nd4j.linalg.learning.config.Sgd(0.1)).list()
                .layer(new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nIn(4).nOut(5)
                        .activation(org.nd4j.linalg.activations.Activation.TANH).build())
                .layer(new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder(
                        org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction.XENT).nIn(5).nOut(1)
                        .activation(org.nd4j.linalg.activations.Activation.SIGMOID).build()).build());
        net.init();
        DataSet reg = AnyNets.regressionData(30, 10);
        INDArray y = reg.getLabels().getColumn(0).gt(0).castTo(reg.getFeatures().dataType()).reshape(30, 1);
        DataSet data = new DataSet(reg.getFeatures(), y);
        for (int i = 0; i < 20; i++) {
            net.fit(data);
        }
        double score = net.score(data, false);
        Snapshot s = snapshot(net, Probes.of(data, 30, "test"));
        assertThat(s.measure("train_loss")).isCloseTo(score, within(rel(score)));
        Evaluation dl4j = net.evaluate(new SingletonDataSetIterator(data));
        assertThat(s.measure("train_accuracy")).isCloseTo(dl4j.accuracy(), within(1e-9));
        assertThat(s.measures()).doesNotContainKey("train_mse");
    }

    @Test
    void regressionGetsMseAndMaeAndNoAccuracy() {
        MultiLayerNetwork net = AnyNets.regression();
        DataSet train = AnyNets.regressionData(32, 5);
        for (int i = 0; i < 10; i++) {
            net.fit(train);
        }
        DataSet data = AnyNets.regressionData(20, 6);
        double score = net.score(data, false);
        Snapshot s = snapshot(net, Probes.of(data, 20, "test"));
        assertThat(s.measure("train_loss")).isCloseTo(score, within(rel(score)));
        INDArray diff = net.output(data.getFeatures()).sub(data.getLabels());
        double mse = diff.mul(diff).meanNumber().doubleValue();
        double mae = org.nd4j.linalg.ops.transforms.Transforms.abs(diff).meanNumber().doubleValue();
        assertThat(s.measure("train_mse")).isCloseTo(mse, within(1e-6));
        assertThat(s.measure("train_mae")).isCloseTo(mae, within(1e-6));
        assertThat(s.measures()).doesNotContainKey("train_accuracy");
    }

    @Test
    void twoHeadGraphGetsPerHeadLossesAccuracyOfTheClassifierAndMseOfTheRegression() {
        ComputationGraph g = AnyNets.twoHeads();
        MultiDataSet train = AnyNets.twoHeadData(32, 7);
        for (int i = 0; i < 10; i++) {
            g.fit(train);
        }
        MultiDataSet data = AnyNets.twoHeadData(24, 8);
        double score = g.score(data, false);
        Snapshot s = snapshot(g, probe(data));
        assertThat(s.measure("train_loss")).isCloseTo(score, within(rel(score)));
        assertThat(s.measure("train_loss_out0") + s.measure("train_loss_out1"))
                .isCloseTo(s.measure("train_loss"), within(rel(score)));
        assertThat(s.measure("train_loss_out0")).isGreaterThan(0);
        assertThat(s.measure("train_loss_out1")).isGreaterThan(0);
        INDArray[] out = g.output(data.getFeatures());
        Evaluation cls = new Evaluation();
        cls.eval(data.getLabels(0), out[0]);
        assertThat(s.measure("train_accuracy")).isCloseTo(cls.accuracy(), within(1e-9));
        INDArray diff = out[1].sub(data.getLabels(1));
        assertThat(s.measure("train_mse")).isCloseTo(diff.mul(diff).meanNumber().doubleValue(), within(1e-6));
    }
}
