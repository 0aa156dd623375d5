package io.github.landscape4j.study.internal;

import io.github.landscape4j.engine.LandscapeEngine;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.engine.SnapshotRequest;
import io.github.landscape4j.engine.internal.SnapshotThreads;
import io.github.landscape4j.listener.LandscapeListener;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.store.StudyRecord;
import io.github.landscape4j.study.RunSettings;
import io.github.landscape4j.study.StoppingRule;
import io.github.landscape4j.study.StudyModel;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;

/**
 * Internal: one run of a study: builds the network, trains it with the listener (a run of the store named by its
 * settings), then measures its final point with the engine.
 */
public final class StudyRun implements Callable<StudyRecord.Run> {

    /** What every run of a study shares. */
    public record Inputs(LandscapeStore store, String study, StudyModel model, DataSet train, DataSet heldOut,
                         int probeSize, StoppingRule stopping, SnapshotConfig snapshots,
                         java.util.function.BooleanSupplier cancelled) {
    }

    /** Thrown inside a run when its study was cancelled (another run failed): the run is left unfinished. */
    public static final class Cancelled extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Cancelled(String key) {
            super("run " + key + " cancelled: its study stopped");
        }
    }

    private final Inputs in;
    private final RunSettings s;

    public StudyRun(Inputs in, RunSettings settings) {
        this.in = in;
        this.s = settings;
    }

    /**
     * Trains and measures the run. Its numbers do not depend on what else computes in the JVM (the study's other
     * runs, Spark tasks): the network's creation, every training step and every epoch's score hold ND4J's own thread
     * setting, its snapshot the engine's ({@link SnapshotThreads}), so another run's snapshot that sets other threads
     * waits for the step under way and the next step waits for it (what runs between, copies of examples and of the
     * final parameters, does not depend on the setting).
     */
    @Override
    public StudyRecord.Run call() {
        checkCancelled();
        Model net;
        DataSet trainProbe;
        DataSet heldOutProbe;
        try (SnapshotThreads ignored = SnapshotThreads.nd4jOwn()) {
            net = in.model().create(s);
            if (!(net instanceof MultiLayerNetwork) && !(net instanceof ComputationGraph)) {
                throw new IllegalArgumentException("the study's model gave a " + net.getClass().getName()
                        + ": a MultiLayerNetwork or ComputationGraph is needed");
            }
            trainProbe = head(in.train(), in.probeSize());
            heldOutProbe = head(in.heldOut(), in.probeSize());
        }
        Nd4j.getRandom().setSeed(s.seed()); // dropout masks: ND4J's generator is per thread
        long t0 = System.nanoTime();
        int epochs = 0;
        String stop = "epochs";
        String runId;
        List<String> tags = new ArrayList<>();
        tags.add("study=" + in.study());
        s.asMap().forEach((k, v) -> tags.add(k + "=" + v));
        try (LandscapeListener listener = LandscapeListener.builder().store(in.store()).runName(s.key())
                .tags(tags.toArray(String[]::new)).seed(s.seed()).snapshot("off").perTensor(false)
                .checkpointEvery(1_000_000).maxCheckpoints(4).build()) {
            net.setListeners(listener);
            Random order = new Random(s.seed());
            for (int e = 0; e < s.epochs(); e++) {
                for (DataSet batch : shuffled(in.train(), s.batchSize(), order)) {
                    checkCancelled();
                    try (SnapshotThreads ignored = SnapshotThreads.nd4jOwn()) {
                        fit(net, batch);
                    }
                }
                epochs++;
                increment(net);
                double score;
                try (SnapshotThreads ignored = SnapshotThreads.nd4jOwn()) {
                    score = score(net, trainProbe);
                }
                if (!Double.isFinite(score)) {
                    stop = "diverged";
                    break;
                }
                if (in.stopping().onLoss() && score < in.stopping().trainLossBelow()) {
                    stop = in.stopping().toString();
                    break;
                }
            }
            runId = listener.runs().isEmpty() ? "" : listener.runs().get(0).runId();
        } finally {
            net.setListeners(new org.deeplearning4j.optimize.api.TrainingListener[0]);
        }
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        long t1 = System.nanoTime();
        // the engine's threads, whether runs train at once or not: its setting waits for the other runs' steps
        LandscapeEngine engine = LandscapeEngine.builder(net).config(in.snapshots()).seed(s.seed())
                .threads(LandscapeEngine.DEFAULT_THREADS).build();
        Snapshot snap = engine.snapshot(SnapshotRequest.of(probe(trainProbe, "study train probe"))
                .withValidation(probe(heldOutProbe, "study held-out probe")).withLearningRate(s.learningRate())
                .withLimit(s.key(), Long.MAX_VALUE, () -> false));
        double measureSeconds = (System.nanoTime() - t1) / 1e9;
        return new StudyRecord.Run(s.key(), runId, s.asMap(), epochs, stop, trainSeconds, measureSeconds,
                Map.copyOf(snap.measures()));
    }

    private void checkCancelled() {
        if (in.cancelled().getAsBoolean()) {
            throw new Cancelled(s.key());
        }
    }

    private static DataSet head(DataSet d, int n) {
        return new DataSet(d.getFeatures().get(NDArrayIndex.interval(0, n)).dup(),
                d.getLabels().get(NDArrayIndex.interval(0, n)).dup());
    }

    private static Probe probe(DataSet d, String source) {
        return new Probe(new INDArray[]{d.getFeatures()}, new INDArray[]{d.getLabels()},
                source + ", " + d.numExamples() + " examples");
    }

    /** One epoch's minibatches: the examples in an order drawn from {@code order}, cut every {@code size}. */
    static List<DataSet> shuffled(DataSet all, int size, Random order) {
        int n = all.numExamples();
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = order.nextInt(i + 1);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        List<DataSet> out = new ArrayList<>();
        for (int start = 0; start < n; start += size) {
            int[] rows = java.util.Arrays.copyOfRange(idx, start, Math.min(n, start + size));
            out.add(new DataSet(all.getFeatures().getRows(rows), all.getLabels().getRows(rows)));
        }
        return out;
    }

    private static void fit(Model net, DataSet batch) {
        if (net instanceof MultiLayerNetwork m) {
            m.fit(batch);
        } else {
            ((ComputationGraph) net).fit(batch);
        }
    }

    private static void increment(Model net) {
        if (net instanceof MultiLayerNetwork m) {
            m.incrementEpochCount();
        } else {
            ((ComputationGraph) net).incrementEpochCount();
        }
    }

    /** The network's score on the probe (its loss plus any regularization terms), as training sees it. */
    private static double score(Model net, DataSet probe) {
        return net instanceof MultiLayerNetwork m ? m.score(probe) : ((ComputationGraph) net).score(probe);
    }
}
