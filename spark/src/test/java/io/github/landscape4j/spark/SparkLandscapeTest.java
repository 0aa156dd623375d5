package io.github.landscape4j.spark;

import io.github.landscape4j.engine.LandscapeEngine;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.engine.SnapshotRequest;
import io.github.landscape4j.engine.shard.SameSnapshot;
import io.github.landscape4j.engine.shard.ShardedSnapshot;
import io.github.landscape4j.listener.LandscapeConfig;
import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.surface.internal.Probes;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Snapshots on Spark in local mode: bit for bit the engine's own, also when tasks fail once and Spark retries them;
 * a model the executors cannot rebuild and bad masters give one clear error naming them.
 */
class SparkLandscapeTest {

    private static final SnapshotConfig CONFIG = LandscapeConfig.parse(Map.of("grid", "9",
            "planes", "random+pca", "sharpnessK", "2", "ascentSteps", "2", "hessianIterations", "4", "hutchinson", "1",
            "planeValidation", "true")).snapshots();

    private final MultiLayerNetwork net = TestNets.mlpSgd(0.1);
    private final List<INDArray> path = new ArrayList<>();
    private final SnapshotRequest request;

    SparkLandscapeTest() {
        for (DataSet d : TestNets.data(3, 16, 20, 5)) {
            path.add(net.params().dup());
            net.fit(d);
        }
        Probe train = Probes.of(DataSet.merge(TestNets.data(4, 16, 20, 6)), 64, "train");
        Probe val = Probes.of(DataSet.merge(TestNets.data(2, 16, 20, 7)), 32, "val");
        request = SnapshotRequest.of(train).withValidation(val).withTrajectory(path, new long[]{0, 1, 2}, path.get(0))
                .at(0, 2, 0, 0);
    }

    @AfterEach
    void noFault() {
        EvaluateShard.failFirstAttempt = s -> false;
    }

    private LandscapeEngine engine() {
        return LandscapeEngine.builder(net).config(CONFIG).seed(11).build();
    }

    private static void assertSameGrids(Snapshot a, Snapshot b) {
        assertThat(a.surfaces()).hasSize(2);
        assertThat(a.surfaces()).allMatch(s -> s.valLoss().length > 0); // the validation grids too
        SameSnapshot.assertBitForBit(a, b);
    }

    @Test
    void aSnapshotOnSparkLocalIsTheEnginesBitForBit() {
        Snapshot whole = engine().snapshot(request);
        Snapshot spark = SparkJobs.snapshot("local[2]", engine(), request);
        assertSameGrids(spark, whole);
    }

    @Test
    void failedTasksAreRetriedAndTheResultIsTheSame() {
        Snapshot whole = engine().snapshot(request);
        Set<String> failed = ConcurrentHashMap.newKeySet();
        EvaluateShard.failFirstAttempt = s -> s.j0() % 2 == 0 && failed.add(s.toString());
        Snapshot spark;
        try (SparkJobs jobs = SparkJobs.open("local[2,3]")) {
            spark = jobs.snapshot(engine().plan(request), 1);
        }
        assertThat(failed).hasSizeGreaterThan(4); // every second row of both planes failed once
        assertSameGrids(spark, whole);
    }

    @Test
    void aModelTheExecutorsCannotRebuildIsNamed() {
        ShardedSnapshot plan = engine().plan(request);
        ShardedSnapshot broken = new ShardedSnapshot(plan.partial(), plan.planes(), plan.modelClass(),
                plan.modelConfigJson().replace("DenseLayer", "NoSuchLayer"), plan.centre(), plan.train(),
                plan.validation(), plan.threads());
        assertThatThrownBy(() -> {
            try (SparkJobs jobs = SparkJobs.open("local[2]")) {
                jobs.snapshot(broken, 0);
            }
        })
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("failed on local[2]")
                .hasMessageContaining("cannot rebuild the MultiLayerNetwork from its configuration JSON");
    }

    @Test
    void badMastersAreNamed() {
        assertThatThrownBy(() -> SparkJobs.snapshot("lokal[2]", engine(), request))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Spark master 'lokal[2]' is not a master URL").hasMessageContaining("local[*]");
        assertThatThrownBy(() -> SparkJobs.snapshot("spark://127.0.0.1:1", engine(), request))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Spark master spark://127.0.0.1:1 does not answer");
        assertThatThrownBy(() -> SparkJobs.snapshot(" ", engine(), request))
                .hasMessageContaining("Spark master is empty");
    }
}
