package io.github.landscape4j.listener;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Tiny real DL4J networks and seeded synthetic data for tests. */
public final class TestNets {
    public static final long SEED = 12345;

    private TestNets() {
    }

    /** 3-class data with {@code features} inputs, labels a function of the inputs; seeded, no ND4J RNG use. */
    public static List<DataSet> data(int batches, int batchSize, int features, long seed) {
        Random r = new Random(seed);
        List<DataSet> out = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            float[][] x = new float[batchSize][features];
            float[][] y = new float[batchSize][3];
            for (int i = 0; i < batchSize; i++) {
                double s = 0;
                for (int j = 0; j < features; j++) {
                    x[i][j] = (float) r.nextGaussian();
                    s += (j % 3 == 0 ? 1 : -0.5) * x[i][j];
                }
                y[i][s > 0.5 ? 0 : s < -0.5 ? 1 : 2] = 1f;
            }
            out.add(new DataSet(Nd4j.create(x), Nd4j.create(y)));
        }
        return out;
    }

    /** Image-shaped data [batch, 1, 8, 8] for the CNN. */
    public static List<DataSet> images(int batches, int batchSize, long seed) {
        List<DataSet> flat = data(batches, batchSize, 64, seed);
        List<DataSet> out = new ArrayList<>();
        for (DataSet d : flat) {
            out.add(new DataSet(d.getFeatures().reshape(batchSize, 1, 8, 8), d.getLabels()));
        }
        return out;
    }

    public static MultiLayerNetwork mlp(IUpdater updater, double dropoutRetain) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(SEED)
                .updater(updater)
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().nIn(20).nOut(16).activation(Activation.RELU)
                        .dropOut(dropoutRetain).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(16).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    public static MultiLayerNetwork mlpWithDropout() {
        return mlp(new Adam(1e-2), 0.8);
    }

    public static MultiLayerNetwork mlpSgd(double lr) {
        return mlp(new Sgd(lr), 1.0);
    }

    public static MultiLayerNetwork cnnWithBatchNorm() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(SEED)
                .updater(new Adam(1e-2))
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX).kernelSize(2, 2)
                        .stride(2, 2).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(8, 8, 1))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    public static ComputationGraph graph() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(SEED)
                .updater(new Adam(1e-2))
                .weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("in")
                .addLayer("a", new DenseLayer.Builder().nIn(20).nOut(8).activation(Activation.TANH)
                        .dropOut(0.9).build(), "in")
                .addLayer("b", new DenseLayer.Builder().nIn(20).nOut(8).activation(Activation.RELU).build(), "in")
                .addVertex("merge", new MergeVertex(), "a", "b")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(16).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "merge")
                .setOutputs("out")
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    /** Trains one pass over {@code data} with fit(DataSet) per batch, from a fixed ND4J RNG state. */
    public static void train(Model model, List<DataSet> data, int epochs) {
        Nd4j.getRandom().setSeed(SEED);
        for (int e = 0; e < epochs; e++) {
            if (model instanceof MultiLayerNetwork m) {
                m.fit(new org.deeplearning4j.datasets.iterator.ExistingDataSetIterator(data));
            } else {
                ((ComputationGraph) model).fit(new org.deeplearning4j.datasets.iterator.ExistingDataSetIterator(data));
            }
        }
    }
}
