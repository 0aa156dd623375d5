package io.github.landscape4j.ui;

import io.github.landscape4j.listener.LandscapeListener;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.ParameterTensor;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.store.internal.Json;
import io.github.landscape4j.store.internal.RecordTypes;
import io.github.landscape4j.store.internal.StoreWriter;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * A real training run for the UI tests: a small MLP on seeded synthetic 3-class data, trained with the real
 * {@link LandscapeListener} writing into a real store (the scalars and checkpoints are real), and landscape snapshots
 * computed from real loss evaluations by {@link SnapshotMaker} and written as {@code landscape4j.snapshot} records,
 * standing in for the landscape engine. Not thread-safe: drive it from one thread.
 */
final class TrainingRun implements AutoCloseable {
    static final int FEATURES = 10;

    private final MultiLayerNetwork net;
    private final LandscapeListener listener;
    private final LandscapeStore store;
    private final List<DataSet> batches;
    private final SnapshotMaker maker;
    private final RunInfo run;
    private final StoreWriter writer;
    private int next;
    private int snapshots;
    private long iteration;
    private final long startMillis = System.currentTimeMillis();

    TrainingRun(LandscapeStore store, String name, long seed, double learningRate) {
        this.store = store;
        this.net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(seed).updater(new Adam(learningRate))
                .weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(FEATURES).nOut(24).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(24).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        this.listener = LandscapeListener.builder().store(store).runName(name).seed(seed).checkpointEvery(10)
                .commitEvery(5).build();
        net.setListeners(listener);
        this.batches = data(40, 32, seed);
        DataSet train = DataSet.merge(batches.subList(0, 8));
        DataSet val = DataSet.merge(data(8, 32, seed + 99));
        net.fit(batches.get(next++)); // starts the run
        iteration = 1;
        listener.flush();
        this.run = listener.runs().get(0);
        List<String> tensorNames = run.tensors().stream().map(ParameterTensor::name).toList();
        this.writer = new StoreWriter(store.statsStorage(), run.runId(), run.workerId(), tensorNames, 1, 1000,
                t -> {
                    throw new IllegalStateException("snapshot writer failed", t);
                });
        this.maker = new SnapshotMaker(net, run.tensors(), train, val, seed);
    }

    RunInfo run() {
        return run;
    }

    /** Takes {@code n} real training steps; the listener records them. */
    void train(int n) {
        for (int i = 0; i < n; i++) {
            net.fit(batches.get(next++ % batches.size()));
            iteration++;
        }
        listener.flush();
    }

    /** Computes a snapshot around the current parameters, writes it and waits until it is committed. */
    Snapshot snapshot() {
        listener.flush();
        Snapshot s = maker.make(snapshots++, iteration, net.getEpochCount(), System.currentTimeMillis() - startMillis,
                store.checkpoints(run.runId()));
        writer.writeRecord(RecordTypes.SNAPSHOT, Json.GSON.toJson(s));
        writer.flush();
        return s;
    }

    @Override
    public void close() {
        writer.close();
        listener.close();
    }

    private static List<DataSet> data(int n, int batchSize, long seed) {
        Random r = new Random(seed);
        List<DataSet> out = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            float[][] x = new float[batchSize][FEATURES];
            float[][] y = new float[batchSize][3];
            for (int i = 0; i < batchSize; i++) {
                double s = 0;
                for (int j = 0; j < FEATURES; j++) {
                    x[i][j] = (float) r.nextGaussian();
                    s += (j % 3 == 0 ? 1 : -0.5) * x[i][j];
                }
                y[i][s > 0.5 ? 0 : s < -0.5 ? 1 : 2] = 1f;
            }
            out.add(new DataSet(Nd4j.create(x), Nd4j.create(y)));
        }
        return out;
    }
}
