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
}
