package io.github.landscape4j.engine.shard;

import io.github.landscape4j.engine.LandscapeEngine;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.engine.SnapshotRequest;
import io.github.landscape4j.listener.AnyNets;
import io.github.landscape4j.listener.LandscapeConfig;
import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.surface.internal.Probes;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.MultiDataSet;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A snapshot planned by the engine, carried through Java serialization (as Spark does), evaluated in pieces (a few
 * rows of a plane, a slice) by separate evaluators (each rebuilt from the plan's configuration JSON, as an executor does) and assembled
 * equals the engine's own snapshot bit for bit: every grid, slice and measure, on a ReLU/softmax MLP with the random,
 * PCA and Hessian planes and validation grids, a CNN with batch norm, an LSTM with masks and a seq2seq graph.
 */
class ShardAssemblyTest {

    private static SnapshotConfig config(String planes, String planeValidation) {
        return LandscapeConfig.parse(Map.of("grid", "7", "planes", planes, "sharpnessK", "3", "ascentSteps", "2",
                "hessianIterations", "5", "hutchinson", "2", "planeValidation", planeValidation)).snapshots();
    }

    /** Trajectory of three parameter vectors along a short training (the PCA plane's). */
    private static SnapshotRequest request(Model net, Probe train, Probe val, List<INDArray> path) {
        SnapshotRequest r = SnapshotRequest.of(train).withValidation(val).at(0, 2, 0, 0);
        return path.isEmpty() ? r : r.withTrajectory(path, new long[]{0, 1, 2}, path.get(0));
    }

    private static void assertShardedEqualsWhole(Model net, SnapshotConfig c, SnapshotRequest request, int rows)
            throws Exception {
        Snapshot whole = LandscapeEngine.builder(net).config(c).seed(7).build().snapshot(request);
        ShardedSnapshot plan = roundTrip(LandscapeEngine.builder(net).config(c).seed(7).build().plan(request));
        assertThat(plan.planes()).hasSize(whole.surfaces().size() + whole.slices().size()).isNotEmpty();
        assertThat(plan.planes()).filteredOn(PlaneTask::line).hasSize(whole.slices().size());
        assertThat(plan.partial().surfaces()).allMatch(s -> s.trainLoss().length == 0);
        assertThat(plan.partial().slices()).allMatch(s -> s.trainLoss().length == 0);

        List<PlaneShard> shards = plan.shards(rows);
        assertThat(shards.size()).isGreaterThan(plan.planes().size()); // every plane cut into pieces
        List<PlaneRows> pieces = new ArrayList<>();
        ShardEvaluator a = new ShardEvaluator(plan);
        ShardEvaluator b = new ShardEvaluator(roundTrip(plan)); // a second "executor"
        for (int i = 0; i < shards.size(); i++) {
            pieces.add(roundTrip((i % 2 == 0 ? a : b).evaluate(shards.get(i))));
        }
        Collections.reverse(pieces); // in any order
        Snapshot assembled = plan.assemble(pieces);

        SameSnapshot.assertBitForBit(assembled, whole);
        assertThat(assembled.level()).isEqualTo(whole.level());
        assertThat(assembled.timingsMillis()).containsKey("plane rows (sharded, summed)");
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }

    @Test
    void aReluSoftmaxMlpWithEveryPlaneAndValidationGrids() throws Exception {
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        List<INDArray> path = new ArrayList<>();
        for (DataSet d : TestNets.data(3, 16, 20, 5)) {
            path.add(net.params().dup());
            net.fit(d);
        }
        Probe train = Probes.of(DataSet.merge(TestNets.data(4, 16, 20, 6)), 64, "train");
        Probe val = Probes.of(DataSet.merge(TestNets.data(2, 16, 20, 7)), 32, "val");
        assertShardedEqualsWhole(net, config("random+pca+hessian", "true"), request(net, train, val, path), 2);
    }

    @Test
    void aCnnWithBatchNorm() throws Exception {
        MultiLayerNetwork net = TestNets.cnnWithBatchNorm();
        TestNets.train(net, TestNets.images(3, 16, 8), 1);
        Probe train = Probes.of(DataSet.merge(TestNets.images(2, 16, 9)), 32, "train");
        assertShardedEqualsWhole(net, config("random", "false"), request(net, train, null, List.of()), 3);
    }

    @Test
    void anLstmWithMasksAndASeq2seqGraph() throws Exception {
        MultiLayerNetwork lstm = AnyNets.lstm();
        DataSet seq = AnyNets.sequences(24, 3);
        lstm.fit(seq);
        Probe train = new Probe(new INDArray[]{seq.getFeatures()}, new INDArray[]{seq.getLabels()},
                new INDArray[]{seq.getFeaturesMaskArray()}, new INDArray[]{seq.getLabelsMaskArray()}, "sequences");
        assertShardedEqualsWhole(lstm, config("random", "false"), request(lstm, train, null, List.of()), 4);

        ComputationGraph g = AnyNets.seq2seq();
        MultiDataSet m = AnyNets.seq2seqData(16, 4);
        g.fit(m);
        Probe probe = new Probe(m.getFeatures(), m.getLabels(), m.getFeaturesMaskArrays(), null, "seq2seq");
        assertShardedEqualsWhole(g, config("random", "false"), request(g, probe, null, List.of()), 3);
    }

    @Test
    void aMissingOrDisagreeingRowIsRefused() throws Exception {
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        Probe train = Probes.of(DataSet.merge(TestNets.data(2, 16, 20, 6)), 32, "train");
        ShardedSnapshot plan = LandscapeEngine.builder(net).config(config("random", "false")).seed(7).build()
                .plan(request(net, train, null, List.of()));
        ShardEvaluator e = new ShardEvaluator(plan);
        List<PlaneRows> pieces = new ArrayList<>();
        for (PlaneShard s : plan.shards(3)) {
            pieces.add(e.evaluate(s));
        }
        assertThatThrownBy(() -> plan.assemble(pieces.subList(1, pieces.size())))
                .hasMessageContaining("plane random: row 0 of 7 is missing");
        PlaneRows first = pieces.get(0);
        double[][] other = first.trainLoss().clone();
        other[0] = other[0].clone();
        other[0][0] += 1;
        List<PlaneRows> twice = new ArrayList<>(pieces);
        twice.add(new PlaneRows(first.task(), first.j0(), other, first.trainAccuracy(), first.valLoss(),
                first.valAccuracy(), 0));
        assertThatThrownBy(() -> plan.assemble(twice)).hasMessageContaining("row 0 was computed twice");
        List<PlaneRows> retried = new ArrayList<>(pieces);
        retried.add(e.evaluate(plan.shards(3).get(0))); // a retried piece: equal, counted once
        assertThat(plan.assemble(retried).surfaces().get(0).trainLoss()).isDeepEqualTo(
                plan.assemble(pieces).surfaces().get(0).trainLoss());
        assertThatThrownBy(() -> e.evaluate(new PlaneShard(0, 5, 9))).hasMessageContaining("has 7 rows");
    }
}
