package io.github.landscape4j.examples.bench;

import io.github.landscape4j.examples.FashionMnist;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.rnn.DuplicateToTimeSeriesVertex;
import org.deeplearning4j.nn.conf.graph.rnn.LastTimeStepVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The networks of {@code bench.sh snapshot-cnn}, {@code snapshot-graph} and {@code snapshot-rnn} (and of the tests
 * that check their fast paths), each with its training minibatches and its 2,000-example train and validation data:
 * <ul>
 * <li>{@link #CNN}: LeNet-like, conv 5x5x8, max-pool 2, conv 5x5x16, max-pool 2, dense 64, softmax; Fashion-MNIST.</li>
 * <li>{@link #GRAPH}: a residual ComputationGraph with batch norm: conv 3x3x8, batch norm, ReLU, max-pool 2, three
 * residual blocks (conv 3x3, batch norm, ReLU, conv 3x3, batch norm, add the block's input, ReLU), global average
 * pooling, softmax; Fashion-MNIST.</li>
 * <li>{@link #RNN}: a seq2seq graph that adds two numbers of 1 to 3 digits written without leading zeros, so its
 * sequences have different lengths (feature masks on the encoder's "a+b", feature and label masks on the decoder's
 * sum): LSTM encoder, its last unmasked step repeated along the decoder input, LSTM decoder, softmax per step.</li>
 * </ul>
 */
public enum BenchNetworks {
    CNN, GRAPH, RNN;

    private static final int SEED = 7;
    private static final int MAX_DIGITS = 3;
    private static final int ENCODER_STEPS = 2 * MAX_DIGITS + 1;
    private static final int DECODER_STEPS = MAX_DIGITS + 1;
    private static final int SYMBOLS = 12; // digits, '+' (encoder) or "go" (decoder), end

    /** A new network of this kind, initialized with a fixed seed. */
    public Model create() {
        return switch (this) {
            case CNN -> cnn();
            case GRAPH -> graph();
            case RNN -> rnn();
        };
    }

    /** {@code n} training examples in minibatches of {@code batch}, as MultiDataSets for either network type. */
    public List<MultiDataSet> train(int n, int batch) throws IOException {
        if (this == RNN) {
            List<MultiDataSet> out = new ArrayList<>();
            Random r = new Random(SEED);
            for (int i = 0; i < n; i += batch) {
                out.add(sums(r, Math.min(batch, n - i)));
            }
            return out;
        }
        return FashionMnist.train(n, batch).stream().map(BenchNetworks::multi).toList();
    }

    /** {@code n} held-out examples in one MultiDataSet. */
    public MultiDataSet validation(int n) throws IOException {
        return this == RNN ? sums(new Random(SEED + 1), n) : multi(FashionMnist.test(n, n).get(0));
    }

    /** Fits one minibatch. */
    public static void fit(Model net, MultiDataSet batch) {
        if (net instanceof MultiLayerNetwork m) {
            m.fit(new DataSet(batch.getFeatures(0), batch.getLabels(0)));
        } else {
            ((ComputationGraph) net).fit(batch);
        }
    }

    private static MultiDataSet multi(DataSet d) {
        return new MultiDataSet(d.getFeatures(), d.getLabels());
    }

    private static MultiLayerNetwork cnn() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(SEED)
                .updater(new Adam(1e-3)).weightInit(WeightInit.XAVIER).list()
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(8).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(5, 5).nOut(16).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new DenseLayer.Builder().nOut(64).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1))
                .build());
        net.init();
        return net;
    }

    private static ComputationGraph graph() {
        ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder().seed(SEED)
                .updater(new Adam(1e-3)).weightInit(WeightInit.RELU).convolutionMode(ConvolutionMode.Same)
                .graphBuilder().addInputs("in").setInputTypes(InputType.convolutionalFlat(28, 28, 1))
                .addLayer("stem", conv(), "in")
                .addLayer("stemBn", new BatchNormalization.Builder().build(), "stem")
                .addLayer("stemRelu", new ActivationLayer(Activation.RELU), "stemBn")
                .addLayer("pool", new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
                        .build(), "stemRelu");
        String input = "pool";
        for (int b = 1; b <= 3; b++) {
            g.addLayer("b" + b + "c1", conv(), input)
                    .addLayer("b" + b + "bn1", new BatchNormalization.Builder().build(), "b" + b + "c1")
                    .addLayer("b" + b + "r1", new ActivationLayer(Activation.RELU), "b" + b + "bn1")
                    .addLayer("b" + b + "c2", conv(), "b" + b + "r1")
                    .addLayer("b" + b + "bn2", new BatchNormalization.Builder().build(), "b" + b + "c2")
                    .addVertex("b" + b + "add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "b" + b + "bn2",
                            input)
                    .addLayer("b" + b + "out", new ActivationLayer(Activation.RELU), "b" + b + "add");
            input = "b" + b + "out";
        }
        g.addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), input)
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10)
                        .activation(Activation.SOFTMAX).build(), "gap")
                .setOutputs("out");
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    private static ConvolutionLayer conv() {
        return new ConvolutionLayer.Builder(3, 3).nOut(8).activation(Activation.IDENTITY).build();
    }

    private static ComputationGraph rnn() {
        int hidden = 32;
        ComputationGraph net = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(SEED)
                .updater(new Adam(0.01)).weightInit(WeightInit.XAVIER).graphBuilder()
                .addInputs("question", "answerIn")
                .setInputTypes(InputType.recurrent(SYMBOLS), InputType.recurrent(SYMBOLS))
                .addLayer("encoder", new LSTM.Builder().nOut(hidden).activation(Activation.TANH).build(), "question")
                .addVertex("last", new LastTimeStepVertex("question"), "encoder")
                .addVertex("repeat", new DuplicateToTimeSeriesVertex("answerIn"), "last")
                .addVertex("merge", new MergeVertex(), "answerIn", "repeat")
                .addLayer("decoder", new LSTM.Builder().nOut(hidden).activation(Activation.TANH).build(), "merge")
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(SYMBOLS)
                        .activation(Activation.SOFTMAX).build(), "decoder")
                .setOutputs("out")
                .build());
        net.init();
        return net;
    }

    /**
     * {@code n} sums {@code a+b} of numbers below 1,000 without leading zeros: the encoder reads "a+b" (masked past
     * its length), the decoder reads "go" and the sum's digits and predicts the digits and an end symbol (masked past
     * the sum's length + 1).
     */
    private static MultiDataSet sums(Random random, int n) {
        INDArray question = Nd4j.zeros(n, SYMBOLS, ENCODER_STEPS);
        INDArray questionMask = Nd4j.zeros(n, ENCODER_STEPS);
        INDArray answerIn = Nd4j.zeros(n, SYMBOLS, DECODER_STEPS + 1);
        INDArray labels = Nd4j.zeros(n, SYMBOLS, DECODER_STEPS + 1);
        INDArray answerMask = Nd4j.zeros(n, DECODER_STEPS + 1);
        for (int i = 0; i < n; i++) {
            int a = random.nextInt((int) Math.pow(10, 1 + random.nextInt(MAX_DIGITS)));
            int b = random.nextInt((int) Math.pow(10, 1 + random.nextInt(MAX_DIGITS)));
            String q = a + "+" + b;
            String s = Integer.toString(a + b);
            for (int t = 0; t < q.length(); t++) {
                char c = q.charAt(t);
                question.putScalar(new long[]{i, c == '+' ? 10 : c - '0', t}, 1);
                questionMask.putScalar(i, t, 1);
            }
            for (int t = 0; t <= s.length(); t++) {
                answerIn.putScalar(new long[]{i, t == 0 ? 10 : s.charAt(t - 1) - '0', t}, 1);
                labels.putScalar(new long[]{i, t == s.length() ? 11 : s.charAt(t) - '0', t}, 1);
                answerMask.putScalar(i, t, 1);
            }
        }
        return new MultiDataSet(new INDArray[]{question, answerIn}, new INDArray[]{labels},
                new INDArray[]{questionMask, answerMask}, new INDArray[]{answerMask});
    }
}
