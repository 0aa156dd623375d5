package io.github.landscape4j.sharpness;

import io.github.landscape4j.direction.Normalization;
import io.github.landscape4j.direction.internal.Directions;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.sharpness.internal.Sharpness;
import io.github.landscape4j.store.ParameterTensor;
import io.github.landscape4j.surface.internal.ProbeModel;
import io.github.landscape4j.surface.internal.Probes;
import io.github.landscape4j.surface.internal.TensorPerturbations;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Per-tensor random sharpness of a layer past an MLP's first: the batched evaluation (the layers before it once, the
 * perturbed weight matrices side by side) gives what a forward per direction gives, on the same draws; the first
 * layer's tensor and a CNN have no batched path.
 */
class BatchedRandomSharpnessTest {

    @Test
    void batchedPerTensorSharpnessEqualsAForwardPerDirection() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(4).updater(new Sgd(0.1))
                .weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(20).nOut(16).activation(Activation.RELU).build())
                .layer(new DenseLayer.Builder().nIn(16).nOut(8).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        TestNets.train(net, TestNets.data(10, 16, 20, 71), 1);
        List<ParameterTensor> tensors = Models.tensors(net);
        Probe probe = Probes.of(DataSet.merge(TestNets.data(4, 16, 20, 72)), 64, "test");
        ProbeModel model = ProbeModel.of(net, null);
        Directions directions = new Directions(tensors, Normalization.FILTER, false);
        Sharpness sharpness = new Sharpness(model, directions);
        INDArray theta = net.params().dup().reshape(net.numParams());
        model.load(theta);
        double base = model.evaluate(probe).loss();
        for (String name : new String[]{"1_W", "2_W"}) {
            ParameterTensor t = tensors.stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
            TensorPerturbations batched = TensorPerturbations.of(model, tensors, t).orElseThrow();
            Sharpness.Random2 one = sharpness.randomPerturbation(theta, base, probe, 7, 0.05,
                    Nd4j.getRandomFactory().getNewRandomInstance(5), t);
            Sharpness.Random2 all = sharpness.randomPerturbation(theta, base, probe, 7, 0.05,
                    Nd4j.getRandomFactory().getNewRandomInstance(5), t, batched);
            assertThat(one.mean()).as(name).isGreaterThan(1e-4);
            assertThat(all.mean()).as(name).isCloseTo(one.mean(), within(1e-5 * one.mean() + 1e-7));
            assertThat(all.max()).as(name).isCloseTo(one.max(), within(1e-5 * one.max() + 1e-7));
        }
        ParameterTensor first = tensors.stream().filter(x -> x.name().equals("0_W")).findFirst().orElseThrow();
        assertThat(TensorPerturbations.of(model, tensors, first)).isEmpty();
        MultiLayerNetwork cnn = TestNets.cnnWithBatchNorm();
        List<ParameterTensor> cnnTensors = Models.tensors(cnn);
        assertThat(cnnTensors.stream().map(t -> TensorPerturbations.of(ProbeModel.of(cnn, null), cnnTensors, t))
                .filter(java.util.Optional::isPresent)).isEmpty();
    }
}
