package io.github.landscape4j.examples.programs;

import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.optimize.listeners.ScoreIterationListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A plain DL4J program like deeplearning4j-examples' {@code MathFunctionsModel}: an MLP (1-50-50-1, tanh, MSE with
 * an identity output, Nesterov momentum) learns {@code sin(x)} on 1,000 points of [-10, 10] in minibatches of 100,
 * {@code net.fit(iterator)} once an epoch. Knows nothing about landscape4j.
 *
 * <pre>MathFunctionsRegression [--epochs N (default 1000) | --seconds S]</pre>
 */
public final class MathFunctionsRegression {
    private static final int SEED = 12345;
    private static final int SAMPLES = 1000;
    private static final int BATCH = 100;
    private static final int HIDDEN = 50;

    private MathFunctionsRegression() {
    }

    public static void main(String[] args) throws Exception {
        train(args, System.out, model -> { });
    }

    /** See {@link Program.Training#train}. */
    public static void train(String[] args, PrintStream out, Consumer<Model> modelReady) {
        TrainingLength length = TrainingLength.parse(args, 1000);
        INDArray x = Nd4j.linspace(-10, 10, SAMPLES).reshape(SAMPLES, 1);
        INDArray y = Transforms.sin(x, true);
        DataSet all = new DataSet(x, y);
        DataSetIterator iterator = shuffledBatches(all, new Random(SEED));

        MultiLayerNetwork net = new MultiLayerNetwork(config());
        net.init();
        net.setListeners(new ScoreIterationListener(1000));
        modelReady.accept(net);
        out.println("MathFunctionsRegression: sin(x), " + SAMPLES + " points, 1-" + HIDDEN + "-" + HIDDEN
                + "-1 tanh MLP, " + net.numParams() + " parameters, training for " + length);

        int epochs = 0;
        for (length.start(); length.another(epochs); ) {
            iterator.reset();
            net.fit(iterator);
            epochs++;
            if (TrainingLength.printed(epochs)) {
                out.println(String.format(Locale.ROOT, "epoch %d: mse %.6f", epochs, net.score(all)));
            }
        }
        out.println(String.format(Locale.ROOT, "trained %d epochs, %d iterations; mse %.6f", epochs,
                net.getIterationCount(), net.score(all)));
        INDArray probe = Nd4j.create(new float[]{-7.5f, -2.5f, 0f, 2.5f, 7.5f}, 5, 1);
        INDArray predicted = net.output(probe);
        for (int i = 0; i < probe.rows(); i++) {
            double at = probe.getDouble(i, 0);
            out.println(String.format(Locale.ROOT, "sin(%.1f) = %.4f, predicted %.4f", at, Math.sin(at),
                    predicted.getDouble(i, 0)));
        }
    }

    private static MultiLayerConfiguration config() {
        return new NeuralNetConfiguration.Builder().seed(SEED).weightInit(WeightInit.XAVIER)
                .updater(new Nesterovs(0.01, 0.9)).list()
                .layer(new DenseLayer.Builder().nIn(1).nOut(HIDDEN).activation(Activation.TANH).build())
                .layer(new DenseLayer.Builder().nIn(HIDDEN).nOut(HIDDEN).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(HIDDEN).nOut(1)
                        .activation(Activation.IDENTITY).build())
                .build();
    }

    /** The points shuffled once, in minibatches of {@link #BATCH}, as the official example's iterator gives them. */
    private static DataSetIterator shuffledBatches(DataSet all, Random random) {
        List<DataSet> examples = new ArrayList<>(all.asList());
        Collections.shuffle(examples, random);
        List<DataSet> batches = new ArrayList<>();
        for (int i = 0; i < examples.size(); i += BATCH) {
            batches.add(DataSet.merge(examples.subList(i, Math.min(i + BATCH, examples.size()))));
        }
        return new ExistingDataSetIterator(batches);
    }
}
