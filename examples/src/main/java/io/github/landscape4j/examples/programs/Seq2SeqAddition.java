package io.github.landscape4j.examples.programs;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.rnn.DuplicateToTimeSeriesVertex;
import org.deeplearning4j.nn.conf.graph.rnn.LastTimeStepVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.optimize.listeners.ScoreIterationListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.dataset.api.MultiDataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.MultiDataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A plain DL4J program like deeplearning4j-examples' seq2seq {@code AdditionModelWithSeq2Seq}: a
 * {@code ComputationGraph} with two inputs learns to add two 2-digit numbers. The encoder LSTM reads "a+b" character
 * by character; its last time step ({@code LastTimeStepVertex}) is repeated along the decoder's input
 * ({@code DuplicateToTimeSeriesVertex}) and merged with it ({@code MergeVertex}); the decoder input is a "go"
 * symbol followed by the sum's digits, shifted by one (teacher forcing); a decoder LSTM and a softmax
 * {@code RnnOutputLayer} give the sum's three digits. Trained with {@code net.fit(MultiDataSetIterator)} once an
 * epoch over 2,048 seeded examples in minibatches of 32; it prints how many sums of 256 held-out examples a greedy
 * decoding gets right. Knows nothing about landscape4j.
 *
 * <pre>Seq2SeqAddition [--epochs N (default 20) | --seconds S]</pre>
 */
public final class Seq2SeqAddition {
    private static final int SEED = 1234;
    private static final int DIGITS = 2;
    private static final int ENCODER_STEPS = 2 * DIGITS + 1;
    private static final int DECODER_STEPS = DIGITS + 1;
    /** Encoder symbols: the digits 0-9 and '+'. */
    private static final int ENCODER_SYMBOLS = 11;
    /** Decoder input symbols: the digits 0-9 and "go". */
    private static final int DECODER_SYMBOLS = 11;
    private static final int GO = 10;
    private static final int HIDDEN = 32;
    private static final int BATCH = 32;
    private static final int BATCHES = 64;

    private Seq2SeqAddition() {
    }

    public static void main(String[] args) throws Exception {
        train(args, System.out, model -> { });
    }

    /** See {@link Program.Training#train}. */
    public static void train(String[] args, PrintStream out, Consumer<Model> modelReady) {
        TrainingLength length = TrainingLength.parse(args, 20);
        Random random = new Random(SEED);
        List<MultiDataSet> batches = new ArrayList<>();
        for (int b = 0; b < BATCHES; b++) {
            batches.add(examples(random, BATCH));
        }
        MultiDataSet test = examples(random, 256);
        MultiDataSetIterator iterator = new ListIterator(batches);

        ComputationGraph net = new ComputationGraph(config());
        net.init();
        net.setListeners(new ScoreIterationListener(200));
        modelReady.accept(net);
        out.println("Seq2SeqAddition: " + DIGITS + "-digit sums, " + BATCHES * BATCH + " examples, LSTM encoder and"
                + " decoder of " + HIDDEN + ", " + net.numParams() + " parameters, training for " + length);

        int epochs = 0;
        for (length.start(); length.another(epochs); ) {
            net.fit(iterator);
            epochs++;
            if (TrainingLength.printed(epochs)) {
                out.println(String.format(Locale.ROOT, "epoch %d: score %.5f, sums right %d of %d", epochs,
                        net.score(), correctSums(net, test), test.getFeatures(0).size(0)));
            }
        }
        out.println(String.format(Locale.ROOT, "trained %d epochs, %d iterations; sums right %d of %d", epochs,
                net.getConfiguration().getIterationCount(), correctSums(net, test), test.getFeatures(0).size(0)));
    }

    private static ComputationGraphConfiguration config() {
        return new NeuralNetConfiguration.Builder().seed(SEED).updater(new Adam(0.01)).weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("additionIn", "sumOut")
                .setInputTypes(InputType.recurrent(ENCODER_SYMBOLS), InputType.recurrent(DECODER_SYMBOLS))
                .addLayer("encoder", new LSTM.Builder().nIn(ENCODER_SYMBOLS).nOut(HIDDEN)
                        .activation(Activation.SOFTSIGN).build(), "additionIn")
                .addVertex("lastTimeStep", new LastTimeStepVertex("additionIn"), "encoder")
                .addVertex("duplicateTimeStep", new DuplicateToTimeSeriesVertex("sumOut"), "lastTimeStep")
                .addVertex("merge", new MergeVertex(), "sumOut", "duplicateTimeStep")
                .addLayer("decoder", new LSTM.Builder().nIn(DECODER_SYMBOLS + HIDDEN).nOut(HIDDEN)
                        .activation(Activation.SOFTSIGN).build(), "merge")
                .addLayer("output", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(HIDDEN)
                        .nOut(10).activation(Activation.SOFTMAX).build(), "decoder")
                .setOutputs("output")
                .build();
    }

    /**
     * {@code n} random sums: encoder input "a+b" (digits zero-padded), decoder input "go" then the sum's digits
     * but the last, labels the sum's digits (zero-padded to {@link #DECODER_STEPS}).
     */
    private static MultiDataSet examples(Random random, int n) {
        INDArray encoder = Nd4j.zeros(n, ENCODER_SYMBOLS, ENCODER_STEPS);
        INDArray decoder = Nd4j.zeros(n, DECODER_SYMBOLS, DECODER_STEPS);
        INDArray labels = Nd4j.zeros(n, 10, DECODER_STEPS);
        int max = (int) Math.pow(10, DIGITS);
        for (int i = 0; i < n; i++) {
            int a = random.nextInt(max);
            int b = random.nextInt(max);
            String question = pad(a, DIGITS) + "+" + pad(b, DIGITS);
            String answer = pad(a + b, DECODER_STEPS);
            for (int t = 0; t < ENCODER_STEPS; t++) {
                char c = question.charAt(t);
                encoder.putScalar(new long[]{i, c == '+' ? 10 : c - '0', t}, 1);
            }
            for (int t = 0; t < DECODER_STEPS; t++) {
                decoder.putScalar(new long[]{i, t == 0 ? GO : answer.charAt(t - 1) - '0', t}, 1);
                labels.putScalar(new long[]{i, answer.charAt(t) - '0', t}, 1);
            }
        }
        return new MultiDataSet(new INDArray[]{encoder, decoder}, new INDArray[]{labels});
    }

    private static String pad(int value, int width) {
        return String.format(Locale.ROOT, "%0" + width + "d", value);
    }

    /** Greedy decoding: "go", then each step's predicted digit as the next step's input; exact sums counted. */
    private static int correctSums(ComputationGraph net, MultiDataSet test) {
        INDArray encoder = test.getFeatures(0);
        long n = encoder.size(0);
        INDArray decoder = Nd4j.zeros(n, DECODER_SYMBOLS, DECODER_STEPS);
        int[][] predicted = new int[(int) n][DECODER_STEPS];
        for (int i = 0; i < n; i++) {
            decoder.putScalar(new long[]{i, GO, 0}, 1);
        }
        for (int t = 0; t < DECODER_STEPS; t++) {
            INDArray output = net.output(encoder, decoder)[0];
            for (int i = 0; i < n; i++) {
                int digit = output.get(org.nd4j.linalg.indexing.NDArrayIndex.point(i),
                        org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.point(t)).argMax().getInt(0);
                predicted[i][t] = digit;
                if (t + 1 < DECODER_STEPS) {
                    decoder.putScalar(new long[]{i, digit, t + 1}, 1);
                }
            }
        }
        INDArray labels = test.getLabels(0);
        int right = 0;
        for (int i = 0; i < n; i++) {
            boolean all = true;
            for (int t = 0; t < DECODER_STEPS; t++) {
                all &= labels.getDouble(i, predicted[i][t], t) == 1;
            }
            right += all ? 1 : 0;
        }
        return right;
    }

    /** The fixed minibatches, in order, each epoch. */
    private static final class ListIterator implements MultiDataSetIterator {
        private final List<MultiDataSet> batches;
        private MultiDataSetPreProcessor preProcessor;
        private int next;

        ListIterator(List<MultiDataSet> batches) {
            this.batches = batches;
        }

        @Override
        public MultiDataSet next(int num) {
            throw new UnsupportedOperationException("the minibatches are fixed: " + BATCH + " examples each");
        }

        @Override
        public void setPreProcessor(MultiDataSetPreProcessor preProcessor) {
            this.preProcessor = preProcessor;
        }

        @Override
        public MultiDataSetPreProcessor getPreProcessor() {
            return preProcessor;
        }

        @Override
        public boolean resetSupported() {
            return true;
        }

        @Override
        public boolean asyncSupported() {
            return false;
        }

        @Override
        public void reset() {
            next = 0;
        }

        @Override
        public boolean hasNext() {
            return next < batches.size();
        }

        @Override
        public MultiDataSet next() {
            MultiDataSet batch = batches.get(next++);
            if (preProcessor != null) {
                preProcessor.preProcess(batch);
            }
            return batch;
        }
    }
}
