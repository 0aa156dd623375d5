package io.github.landscape4j.listener;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.rnn.DuplicateToTimeSeriesVertex;
import org.deeplearning4j.nn.conf.graph.rnn.LastTimeStepVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.Random;

/**
 * Tiny real networks of the kinds DL4J users train besides the MLP classifier, with seeded data (no ND4J RNG): an
 * LSTM classifier on padded sequences (masks), a seq2seq-like graph with two inputs, a two-head graph
 * (classification + regression), an MSE regression and XOR trained with {@code miniBatch(false)}.
 */
public final class AnyNets {
    public static final int T = 6;

    private AnyNets() {
    }

    /** LSTM(3→5) and a softmax RNN output over 2 classes per time step. */
    public static MultiLayerNetwork lstm() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(TestNets.SEED)
                .updater(new Adam(1e-2)).weightInit(WeightInit.XAVIER).list()
                .layer(new LSTM.Builder().nIn(3).nOut(5).activation(Activation.TANH).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /**
     * {@code n} sequences of up to {@link #T} steps, padded at the end (feature and label masks); the class of a step
     * is whether the running sum of the first feature is positive. Padded steps hold values and labels that would
     * change the loss if the masks were ignored.
     */
    public static DataSet sequences(int n, long seed) {
        Random r = new Random(seed);
        INDArray x = Nd4j.zeros(n, 3, T);
        INDArray y = Nd4j.zeros(n, 2, T);
        INDArray mask = Nd4j.zeros(n, T);
        for (int i = 0; i < n; i++) {
            int len = 2 + r.nextInt(T - 1);
            double sum = 0;
            for (int t = 0; t < len; t++) {
                for (int f = 0; f < 3; f++) {
                    x.putScalar(new long[]{i, f, t}, r.nextGaussian());
                }
                sum += x.getDouble(i, 0, t);
                y.putScalar(new long[]{i, sum > 0 ? 0 : 1, t}, 1.0);
                mask.putScalar(i, t, 1.0);
            }
            for (int t = len; t < T; t++) { // padding that counts unless the masks are respected
                x.putScalar(new long[]{i, 0, t}, 5.0);
                y.putScalar(new long[]{i, 1, t}, 1.0);
            }
        }
        return new DataSet(x, y, mask, mask.dup());
    }

    /** Encoder LSTM over input "in", its last step repeated along decoder input "dec", decoder LSTM, softmax. */
    public static ComputationGraph seq2seq() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(TestNets.SEED)
                .updater(new Adam(1e-2)).weightInit(WeightInit.XAVIER).graphBuilder()
                .addInputs("in", "dec")
                .setInputTypes(InputType.recurrent(3), InputType.recurrent(4))
                .addLayer("encoder", new LSTM.Builder().nIn(3).nOut(5).activation(Activation.SOFTSIGN).build(), "in")
                .addVertex("last", new LastTimeStepVertex("in"), "encoder")
                .addVertex("repeat", new DuplicateToTimeSeriesVertex("dec"), "last")
                .addLayer("decoder", new LSTM.Builder().nIn(4 + 5).nOut(5).activation(Activation.SOFTSIGN).build(),
                        "dec", "repeat")
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(4)
                        .activation(Activation.SOFTMAX).build(), "decoder")
                .setOutputs("out")
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    /** Encoder sequences of {@link #T} steps (masked), decoder inputs and one-hot targets of 3 steps. */
    public static MultiDataSet seq2seqData(int n, long seed) {
        Random r = new Random(seed);
        DataSet enc = sequences(n, seed);
        INDArray dec = Nd4j.zeros(n, 4, 3);
        INDArray y = Nd4j.zeros(n, 4, 3);
        for (int i = 0; i < n; i++) {
            int prev = 0;
            for (int t = 0; t < 3; t++) {
                dec.putScalar(new long[]{i, prev, t}, 1.0);
                prev = r.nextInt(4);
                y.putScalar(new long[]{i, prev, t}, 1.0);
            }
        }
        return new MultiDataSet(new INDArray[]{enc.getFeatures(), dec}, new INDArray[]{y},
                new INDArray[]{enc.getFeaturesMaskArray(), null}, null);
    }

    /** One input, a classification head "cls" (softmax, 3 classes) and a regression head "reg" (identity, MSE). */
    public static ComputationGraph twoHeads() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(TestNets.SEED)
                .updater(new Adam(1e-2)).weightInit(WeightInit.XAVIER).graphBuilder()
                .addInputs("in")
                .addLayer("trunk", new DenseLayer.Builder().nIn(20).nOut(8).activation(Activation.TANH).build(), "in")
                .addLayer("cls", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "trunk")
                .addLayer("reg", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(8).nOut(2)
                        .activation(Activation.IDENTITY).build(), "trunk")
                .setOutputs("cls", "reg")
                .build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        return g;
    }

    /** {@link TestNets#data} with a second, real-valued target: two linear functions of the inputs. */
    public static MultiDataSet twoHeadData(int n, long seed) {
        DataSet d = DataSet.merge(TestNets.data(1, n, 20, seed));
        INDArray x = d.getFeatures();
        INDArray reg = Nd4j.hstack(x.getColumn(0).reshape(n, 1).mul(0.5), x.getColumn(1).reshape(n, 1)
                .sub(x.getColumn(2).reshape(n, 1)));
        return new MultiDataSet(new INDArray[]{x}, new INDArray[]{d.getLabels(), reg});
    }

    /** Dense(4→6, tanh) and an identity output with MSE: regression of two targets. */
    public static MultiLayerNetwork regression() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(TestNets.SEED)
                .updater(new Sgd(0.05)).weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(4).nOut(6).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(6).nOut(2)
                        .activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** Targets: the sum and the difference of the first two of four inputs. */
    public static DataSet regressionData(int n, long seed) {
        Random r = new Random(seed);
        INDArray x = Nd4j.zeros(n, 4);
        INDArray y = Nd4j.zeros(n, 2);
        for (int i = 0; i < n; i++) {
            for (int f = 0; f < 4; f++) {
                x.putScalar(i, f, r.nextGaussian());
            }
            y.putScalar(i, 0, x.getDouble(i, 0) + x.getDouble(i, 1));
            y.putScalar(i, 1, x.getDouble(i, 0) - x.getDouble(i, 1));
        }
        return new DataSet(x, y);
    }

    /** The XOR example: 2-4-2, sigmoid hidden layer, softmax output, {@code miniBatch(false)}. */
    public static MultiLayerNetwork xor() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(TestNets.SEED)
                .updater(new Sgd(0.1)).miniBatch(false).weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(2).nOut(4).activation(Activation.SIGMOID).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD).nIn(4).nOut(2)
                        .activation(Activation.SOFTMAX).build())
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    /** The four XOR examples. */
    public static DataSet xorData() {
        INDArray x = Nd4j.create(new float[][]{{0, 0}, {0, 1}, {1, 0}, {1, 1}});
        INDArray y = Nd4j.create(new float[][]{{1, 0}, {0, 1}, {0, 1}, {1, 0}});
        return new DataSet(x, y);
    }
}
