package io.github.landscape4j.examples.study;

import io.github.landscape4j.examples.FashionMnist;
import io.github.landscape4j.study.RunSettings;
import io.github.landscape4j.study.StudyModel;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.IOException;
import java.util.List;

/**
 * The built-in Fashion-MNIST families of the study programs: an MLP, the MLP with batch normalization, a small CNN,
 * and their data.
 */
public final class FashionModels {
    private FashionModels() {
    }

    /** The families by name. */
    public static final List<String> NAMES = List.of("mlp", "mlp-bn", "cnn");

    /** The model of family {@code name} with {@code hidden} units (MLP) or filters (CNN). */
    public static StudyModel of(String name, int hidden) {
        return switch (name) {
            case "mlp" -> s -> mlp(s, hidden);
            case "mlp-bn" -> s -> mlpBatchNorm(s, hidden);
            case "cnn" -> s -> cnn(s, hidden);
            default -> throw new IllegalArgumentException("family '" + name + "': allowed are " + NAMES);
        };
    }

    /** One line saying what the family is. */
    public static String describe(String name, int hidden) {
        return name.equals("mlp") ? "Fashion-MNIST MLP 784-" + hidden + "-10 (ReLU, softmax)"
                : name.equals("mlp-bn") ? "Fashion-MNIST MLP 784-" + hidden + "-10 with batch normalization before"
                + " the ReLU (softmax)"
                : "Fashion-MNIST CNN conv5x5x" + hidden + "-maxpool-conv5x5x" + (2 * hidden)
                + "-maxpool-dense64-10 (ReLU, softmax)";
    }

    /** 784-hidden-10 ReLU MLP with the settings' optimizer, L2 weight decay and dropout on the hidden layer. */
    public static MultiLayerNetwork mlp(RunSettings s, int hidden) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(s.seed())
                .updater(s.optimizer().updater(s.learningRate())).l2(s.weightDecay()).weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(hidden).activation(Activation.RELU)
                        .dropOut(s.retainProbability()).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(hidden).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        return net;
    }

    /**
     * The MLP with batch normalization between the hidden layer's weights (no bias: batch normalization's beta is
     * its shift) and its ReLU, as in Li et al.'s VGG-9: the loss does not change when those weights are scaled, so
     * weight decay only shrinks them.
     */
    public static MultiLayerNetwork mlpBatchNorm(RunSettings s, int hidden) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(s.seed())
                .updater(s.optimizer().updater(s.learningRate())).l2(s.weightDecay()).weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().nIn(784).nOut(hidden).activation(Activation.IDENTITY).hasBias(false)
                        .dropOut(s.retainProbability()).build())
                .layer(new BatchNormalization.Builder().nOut(hidden).build())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(hidden).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        return net;
    }

    /** A small CNN on the flat 784 inputs (reshaped to 28x28 by the network). */
    public static MultiLayerNetwork cnn(RunSettings s, int filters) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(s.seed())
                .updater(s.optimizer().updater(s.learningRate())).l2(s.weightDecay()).weightInit(WeightInit.RELU)
                .list()
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(filters).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(2 * filters).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build())
                .layer(new DenseLayer.Builder().nOut(64).activation(Activation.RELU).dropOut(s.retainProbability())
                        .build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).weightInit(WeightInit.XAVIER).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1))
                .build());
        net.init();
        return net;
    }

    /** The first {@code n} training examples as one data set. */
    public static DataSet train(int n) throws IOException {
        return FashionMnist.train(n, n).get(0);
    }

    /** The first {@code n} test examples as one data set (the held-out examples). */
    public static DataSet test(int n) throws IOException {
        return FashionMnist.test(n, n).get(0);
    }
}
