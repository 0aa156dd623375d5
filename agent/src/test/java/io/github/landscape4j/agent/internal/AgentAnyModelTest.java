package io.github.landscape4j.agent.internal;

import io.github.landscape4j.listener.LandscapeListener;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.Snapshot;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The agent's path in process (its options, {@link Attacher}, its store; the bytecode hook is tested by the examples'
 * forked-JVM tests): an LSTM with padded sequences, a two-head graph (classification + regression) and XOR with
 * {@code miniBatch(false)}, each on a data set smaller than the probe, get runs named after the program's main class
 * and model number, and snapshots whose train loss is DL4J's {@code score} on the same distinct examples.
 */
class AgentAnyModelTest {

    @TempDir
    Path dir;

    @AfterEach
    void off() {
        AgentOptions.install(null);
    }

    @Test
    void everyModelKindGetsNamedRunsWithSnapshotsInDl4jUnits() throws Exception {
        AgentOptions.install(AgentOptions.parse("store=" + dir.resolve("agent.db") + ",snapshot=every:5,planes=none,"
                + "slices=false,sharpnessK=0,ascentSteps=0,hessianIterations=0,hutchinson=0,perTensorMeasures=false",
                new Properties()));
        String program = RunNames.program(System.getProperty("sun.java.command"));

        MultiLayerNetwork lstm = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1)
                .updater(new Adam(1e-2)).list()
                .layer(new LSTM.Builder().nIn(2).nOut(4).activation(Activation.TANH).build())
                .layer(new RnnOutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(2)
                        .activation(Activation.SOFTMAX).build()).build());
        DataSet sequences = sequences(8);
        double lstmScore = trainAttached(lstm, () -> lstm.fit(sequences), () -> lstm.score(sequences, false));

        ComputationGraph heads = new ComputationGraph(new NeuralNetConfiguration.Builder().seed(1)
                .updater(new Adam(1e-2)).graphBuilder().addInputs("in")
                .addLayer("trunk", new DenseLayer.Builder().nIn(3).nOut(5).activation(Activation.TANH).build(), "in")
                .addLayer("cls", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(5).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "trunk")
                .addLayer("reg", new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(5).nOut(1)
                        .activation(Activation.IDENTITY).build(), "trunk")
                .setOutputs("cls", "reg").build());
        MultiDataSet twoTargets = twoTargets(12);
        double headsScore = trainAttached(heads, () -> heads.fit(twoTargets), () -> heads.score(twoTargets, false));

        MultiLayerNetwork xor = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(1)
                .updater(new Sgd(0.1)).miniBatch(false).list()
                .layer(new DenseLayer.Builder().nIn(2).nOut(4).activation(Activation.SIGMOID).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.NEGATIVELOGLIKELIHOOD).nIn(4).nOut(2)
                        .activation(Activation.SOFTMAX).build()).build());
        DataSet xorData = new DataSet(Nd4j.create(new float[][]{{0, 0}, {0, 1}, {1, 0}, {1, 1}}),
                Nd4j.create(new float[][]{{1, 0}, {0, 1}, {0, 1}, {1, 0}}));
        double xorScore = trainAttached(xor, () -> xor.fit(xorData), () -> xor.score(xorData, false));

        LandscapeStore store = StoreOpener.store();
        List<RunInfo> runs = store.listRuns();
        assertThat(runs).extracting(RunInfo::name).containsExactlyInAnyOrder(program + "-1", program + "-2",
                program + "-3");
        double[] scores = {lstmScore, headsScore, xorScore};
        long[] sizes = {8, 12, 4};
        for (int k = 0; k < 3; k++) {
            String name = program + "-" + (k + 1);
            RunInfo run = runs.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
            List<Snapshot> snaps = store.snapshots(run.runId());
            assertThat(snaps).as(name).isNotEmpty();
            snaps.forEach(s -> assertThat(s.measure("train_loss")).isFinite());
            Snapshot last = snaps.get(snaps.size() - 1);
            assertThat(last.measure("train_loss")).as(name).isCloseTo(scores[k], within(1e-5 * Math.max(1, scores[k])));
            assertThat(last.probe().get("train")).startsWith(sizes[k] + " examples").contains("each once");
        }
        Snapshot headsLast = store.snapshots(runs.stream().filter(r -> r.name().equals(program + "-2"))
                .findFirst().orElseThrow().runId()).get(0);
        assertThat(headsLast.measures()).containsKeys("train_accuracy", "train_mse", "train_loss_out1");
    }

    /** Attaches as the agent's hook does after {@code init()}, trains 12 steps, closes the listener, scores. */
    private static double trainAttached(Model model, Runnable step, java.util.function.DoubleSupplier score) {
        model.init();
        Attacher.attach(model);
        LandscapeListener listener = listener(model);
        for (int i = 0; i < 12; i++) {
            step.run();
        }
        listener.close();
        return score.getAsDouble();
    }

    private static LandscapeListener listener(Model model) {
        java.util.Collection<TrainingListener> all = model instanceof MultiLayerNetwork m ? m.getListeners()
                : ((ComputationGraph) model).getListeners();
        for (TrainingListener l : all) {
            if (l instanceof LandscapeListener ours) {
                return ours;
            }
        }
        throw new AssertionError("no listener attached to " + model.getClass().getSimpleName());
    }

    /** Sequences of 2-5 steps padded to 5 (masks), padding that would count if the masks were ignored. */
    private static DataSet sequences(int n) {
        Random r = new Random(3);
        INDArray x = Nd4j.zeros(n, 2, 5);
        INDArray y = Nd4j.zeros(n, 2, 5);
        INDArray mask = Nd4j.zeros(n, 5);
        for (int i = 0; i < n; i++) {
            int len = 2 + r.nextInt(4);
            for (int t = 0; t < 5; t++) {
                double v = t < len ? r.nextGaussian() : 5;
                x.putScalar(new long[]{i, 0, t}, v);
                x.putScalar(new long[]{i, 1, t}, t < len ? r.nextGaussian() : 5);
                y.putScalar(new long[]{i, t < len && v > 0 ? 0 : 1, t}, 1.0);
                mask.putScalar(i, t, t < len ? 1 : 0);
            }
        }
        return new DataSet(x, y, mask, mask.dup());
    }

    private static MultiDataSet twoTargets(int n) {
        Random r = new Random(4);
        INDArray x = Nd4j.zeros(n, 3);
        INDArray cls = Nd4j.zeros(n, 2);
        INDArray reg = Nd4j.zeros(n, 1);
        for (int i = 0; i < n; i++) {
            for (int f = 0; f < 3; f++) {
                x.putScalar(i, f, r.nextGaussian());
            }
            cls.putScalar(i, x.getDouble(i, 0) > 0 ? 0 : 1, 1.0);
            reg.putScalar(i, 0, x.getDouble(i, 1) - x.getDouble(i, 2));
        }
        return new MultiDataSet(new INDArray[]{x}, new INDArray[]{cls, reg});
    }
}
