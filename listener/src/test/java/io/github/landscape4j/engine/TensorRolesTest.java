package io.github.landscape4j.engine;

import io.github.landscape4j.direction.internal.TensorRole;
import io.github.landscape4j.engine.internal.Models;
import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.store.ParameterTensor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Tensor roles come from DL4J's layer metadata, not key suffixes: a layer-norm gain is not a weight matrix. */
class TensorRolesTest {

    private static Map<String, String> roles(org.deeplearning4j.nn.api.Model m) {
        return Models.tensors(m).stream().collect(Collectors.toMap(ParameterTensor::name, ParameterTensor::role));
    }

    @Test
    void batchNormAndConvolutionRoles() {
        Map<String, String> r = roles(TestNets.cnnWithBatchNorm());
        assertThat(r).containsValue("batchnorm").containsValue("batchnorm_statistics").containsValue("weight")
                .containsValue("bias");
        r.forEach((key, role) -> {
            if (key.endsWith("_mean") || key.endsWith("_var")) {
                assertThat(role).as(key).isEqualTo("batchnorm_statistics");
            }
            if (key.endsWith("_gamma") || key.endsWith("_beta")) {
                assertThat(role).as(key).isEqualTo("batchnorm");
            }
        });
    }

    @Test
    void aLayerNormGainIsANormalizationWeightNotAFilter() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(3).hasLayerNorm(true).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(3).nOut(2)
                        .activation(Activation.SOFTMAX).build()).build());
        net.init();
        Map<String, String> r = roles(net);
        assertThat(r).containsEntry("0_W", "weight").containsEntry("0_b", "bias").containsEntry("0_g", "batchnorm")
                .containsEntry("1_W", "weight");
        // the suffix rule alone would call the gain a weight matrix and filter-normalize it
        assertThat(TensorRole.of("0_g")).isEqualTo(TensorRole.WEIGHT);
        assertThat(TensorRole.of(Models.tensors(net).stream().filter(t -> t.name().equals("0_g")).findFirst()
                .orElseThrow())).isEqualTo(TensorRole.BATCHNORM);
    }

    /**
     * A graph whose vertices were added out of topological order keeps its parameters in topological order, not in
     * its parameter table's: each tensor's offset must point at its own values (was: a batch-norm layer's gamma and
     * running statistics reported where a dense layer's weights are, so directions moved the statistics).
     */
    @Test
    void offsetsOfAGraphBuiltOutOfTopologicalOrderPointAtTheirOwnValues() {
        org.deeplearning4j.nn.graph.ComputationGraph g = new org.deeplearning4j.nn.graph.ComputationGraph(
                new NeuralNetConfiguration.Builder().seed(1).graphBuilder().addInputs("in")
                        .setInputTypes(org.deeplearning4j.nn.conf.inputs.InputType.feedForward(5))
                        .addLayer("d1", new DenseLayer.Builder().nOut(4).build(), "in")
                        .addLayer("bn1", new org.deeplearning4j.nn.conf.layers.BatchNormalization.Builder().build(), "d1")
                        .addLayer("d2", new DenseLayer.Builder().nOut(3).build(), "in")
                        .addVertex("m", new org.deeplearning4j.nn.conf.graph.MergeVertex(), "bn1", "d2")
                        .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(2)
                                .activation(Activation.SOFTMAX).build(), "m")
                        .setOutputs("out").build());
        g.init();
        java.util.List<String> keys = new java.util.ArrayList<>(g.paramTable().keySet());
        for (int k = 0; k < keys.size(); k++) {
            g.getParam(keys.get(k)).assign(k + 1);
        }
        org.nd4j.linalg.api.ndarray.INDArray flat = g.params().reshape(g.params().length());
        for (ParameterTensor t : Models.tensors(g)) {
            org.nd4j.linalg.api.ndarray.INDArray at = flat.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(
                    t.offset(), t.offset() + t.length()));
            double expected = keys.indexOf(t.name()) + 1;
            assertThat(at.minNumber().doubleValue()).as(t.name()).isEqualTo(expected);
            assertThat(at.maxNumber().doubleValue()).as(t.name()).isEqualTo(expected);
        }
    }
}
