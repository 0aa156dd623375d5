package io.github.landscape4j.examples.programs;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.optimize.listeners.ScoreIterationListener;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A plain DL4J program like deeplearning4j-examples' {@code ModelXOR}: a 2-4-2 network (sigmoid hidden layer,
 * softmax output) learns XOR from its four examples with {@code miniBatch(false)}, calling {@code net.fit(ds)} on
 * the whole data set in a loop (one epoch a call). Knows nothing about landscape4j.
 *
 * <pre>XorMiniBatchFalse [--epochs N (default 1000) | --seconds S]</pre>
 */
public final class XorMiniBatchFalse {
    private static final int SEED = 1234;

    private XorMiniBatchFalse() {
    }

    public static void main(String[] args) throws Exception {
        train(args, System.out, model -> { });
    }

    /** See {@link Program.Training#train}. */
    public static void train(String[] args, PrintStream out, Consumer<Model> modelReady) {
        TrainingLength length = TrainingLength.parse(args, 1000);
        INDArray input = Nd4j.create(new float[][]{{0, 0}, {1, 0}, {0, 1}, {1, 1}});
        // one-hot: column 0 is "false", column 1 "true"
        INDArray labels = Nd4j.create(new float[][]{{1, 0}, {0, 1}, {0, 1}, {1, 0}});
        DataSet ds = new DataSet(input, labels);

        MultiLayerNetwork net = new MultiLayerNetwork(config());
        net.init();
        net.setListeners(new ScoreIterationListener(100));
        modelReady.accept(net);
        out.println("XorMiniBatchFalse: XOR, 4 examples, 2-4-2 sigmoid/softmax, miniBatch(false), "
                + net.numParams() + " parameters, training for " + length);

        int epochs = 0;
        for (length.start(); length.another(epochs); ) {
            net.fit(ds);
            epochs++;
            if (TrainingLength.printed(epochs)) {
                out.println(String.format(Locale.ROOT, "epoch %d: score %.6f", epochs, net.score()));
            }
        }
        INDArray output = net.output(ds.getFeatures());
        out.println(String.format(Locale.ROOT, "trained %d epochs; outputs (P(true)): %.4f %.4f %.4f %.4f", epochs,
                output.getDouble(0, 1), output.getDouble(1, 1), output.getDouble(2, 1), output.getDouble(3, 1)));
        Evaluation eval = new Evaluation();
        eval.eval(ds.getLabels(), output);
        out.println(String.format(Locale.ROOT, "accuracy %.2f", eval.accuracy()));
    }

    private static MultiLayerConfiguration config() {
        return new NeuralNetConfiguration.Builder().seed(SEED).updater(new Sgd(0.1)).miniBatch(false)
                .weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(2).nOut(4).activation(Activation.SIGMOID).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD).nIn(4).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }
}
