package io.github.landscape4j.examples.programs;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.optimize.listeners.ScoreIterationListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A plain DL4J program like deeplearning4j-examples' {@code MemorizeSequence}: an LSTM layer and a softmax
 * {@code RnnOutputLayer} learn to continue a sentence character by character, one sequence (each character's
 * one-hot input, the next character as its label), {@code net.fit(ds)} once an epoch; at a few epochs it prints
 * what the network generates from the first character. One LSTM layer where the official example has two: a step
 * over the 64 time steps costs tens of milliseconds on two cores, most of it per-operation overhead per time step
 * and layer. Knows nothing about landscape4j.
 *
 * <pre>LstmMemorize [--epochs N (default 300) | --seconds S]</pre>
 */
public final class LstmMemorize {
    private static final String TEXT = "Der Cottbuser Postkutscher putzt den Cottbuser Postkutschkasten.";
    private static final int SEED = 123;
    private static final int HIDDEN = 48;

    private LstmMemorize() {
    }

    public static void main(String[] args) throws Exception {
        train(args, System.out, model -> { });
    }

    /** See {@link Program.Training#train}. */
    public static void train(String[] args, PrintStream out, Consumer<Model> modelReady) {
        TrainingLength length = TrainingLength.parse(args, 300);
        List<Character> alphabet = TEXT.chars().distinct().sorted().mapToObj(c -> (char) c).toList();
        int n = alphabet.size();
        INDArray input = Nd4j.zeros(1, n, TEXT.length());
        INDArray labels = Nd4j.zeros(1, n, TEXT.length());
        for (int t = 0; t < TEXT.length(); t++) {
            input.putScalar(new long[]{0, alphabet.indexOf(TEXT.charAt(t)), t}, 1);
            labels.putScalar(new long[]{0, alphabet.indexOf(TEXT.charAt((t + 1) % TEXT.length())), t}, 1);
        }
        DataSet ds = new DataSet(input, labels);

        MultiLayerNetwork net = new MultiLayerNetwork(config(n));
        net.init();
        net.setListeners(new ScoreIterationListener(50));
        modelReady.accept(net);
        out.println("LstmMemorize: " + TEXT.length() + " characters of " + n + " kinds, LSTM of " + HIDDEN + ", "
                + net.numParams() + " parameters, training for " + length);

        int epochs = 0;
        for (length.start(); length.another(epochs); ) {
            net.fit(ds);
            epochs++;
            if (TrainingLength.printed(epochs)) {
                out.println(String.format(Locale.ROOT, "epoch %d: score %.5f, generates '%s'", epochs, net.score(),
                        generate(net, alphabet)));
            }
        }
        String generated = generate(net, alphabet);
        out.println(String.format(Locale.ROOT, "trained %d epochs; score %.5f; generates '%s'", epochs, net.score(),
                generated));
        out.println(generated.equals(TEXT.substring(1)) ? "memorized" : "not memorized yet");
    }

    /** Feeds the first character, then each predicted one (argmax), for the rest of the sentence's length. */
    private static String generate(MultiLayerNetwork net, List<Character> alphabet) {
        net.rnnClearPreviousState();
        StringBuilder s = new StringBuilder();
        int c = alphabet.indexOf(TEXT.charAt(0));
        for (int t = 1; t < TEXT.length(); t++) {
            INDArray in = Nd4j.zeros(1, alphabet.size());
            in.putScalar(0, c, 1);
            c = net.rnnTimeStep(in).argMax(1).getInt(0);
            s.append(alphabet.get(c));
        }
        net.rnnClearPreviousState();
        return s.toString();
    }

    private static MultiLayerConfiguration config(int n) {
        return new NeuralNetConfiguration.Builder().seed(SEED).updater(new RmsProp(0.01))
                .weightInit(WeightInit.XAVIER).list()
                .layer(new LSTM.Builder().nIn(n).nOut(HIDDEN).activation(Activation.TANH).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(HIDDEN).nOut(n)
                        .activation(Activation.SOFTMAX).build())
                .build();
    }
}
