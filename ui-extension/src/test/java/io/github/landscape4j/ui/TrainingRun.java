package io.github.landscape4j.ui;

import io.github.landscape4j.listener.LandscapeListener;
import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.Snapshot;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.List;

/**
 * A real training run for the UI tests: a small MLP on seeded synthetic 3-class data, trained with the real
 * {@link LandscapeListener} writing scalars, checkpoints and landscape snapshots (the real engine, on a train and a
 * validation probe) into a real store. Snapshots are taken when the test asks ({@link #snapshot()}), so the test
 * knows when a new one lands. Not thread-safe: drive it from one thread.
 */
final class TrainingRun implements AutoCloseable {
    static final int FEATURES = 10;

    private final MultiLayerNetwork net;
    private final LandscapeListener listener;
    private final List<DataSet> batches;
    private final RunInfo run;
    private int next;

    TrainingRun(LandscapeStore store, String name, long seed, double learningRate) {
        this(store, name, seed, learningRate, 11);
    }

    /** With {@code grid} points per side of each surface (a larger grid makes a slower snapshot). */
    TrainingRun(LandscapeStore store, String name, long seed, double learningRate, int grid) {
        this.net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(seed).updater(new Adam(learningRate))
                .weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(FEATURES).nOut(24).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(24).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        this.batches = TestNets.data(40, 32, FEATURES, seed);
        DataSet train = DataSet.merge(batches.subList(0, 8));
        DataSet val = DataSet.merge(TestNets.data(8, 32, FEATURES, seed + 99));
        this.listener = LandscapeListener.builder().store(store).runName(name).seed(seed).checkpointEvery(10)
                .commitEvery(5).probe(train).validation(val).snapshot("off").grid(grid).sharpnessK(8).ascentSteps(4)
                .hessianIterations(8).hutchinson(3).planeValidation(true).build(); // every export column
        net.setListeners(listener);
        net.fit(batches.get(next++)); // starts the run
        listener.flush();
        this.run = listener.runs().get(0);
    }

    RunInfo run() {
        return run;
    }

    /** Takes {@code n} real training steps; the listener records them. */
    void train(int n) {
        for (int i = 0; i < n; i++) {
            net.fit(batches.get(next++ % batches.size()));
        }
        listener.flush();
    }

    /** Takes a landscape snapshot around the current parameters with the real engine; returns when committed. */
    Snapshot snapshot() {
        return listener.snapshotNow(net).orElseThrow(() -> new IllegalStateException("no snapshot was taken"));
    }

    @Override
    public void close() {
        listener.close();
    }
}
