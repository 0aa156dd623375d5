package io.github.landscape4j.spark;

import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.StudyRecord;
import io.github.landscape4j.study.Optimizer;
import io.github.landscape4j.study.RunSettings;
import io.github.landscape4j.study.Study;
import io.github.landscape4j.study.StudyAnalysis;
import io.github.landscape4j.study.StudyPlan;
import io.github.landscape4j.study.StudyRunner;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A study on Spark local[2] (each run a Spark task with a store file of its own, imported into the study's store on
 * the driver) gives the same study as in one JVM: every run's measures and the correlations bit for bit, and every run
 * in the study's real MapDB file with its scalars and its initial and final checkpoints.
 */
class SparkStudyTest {
    private static final DataSet TRAIN = DataSet.merge(TestNets.data(4, 32, 20, 1));
    private static final DataSet HELD_OUT = DataSet.merge(TestNets.data(2, 32, 20, 2));
    private static final StudyPlan PLAN = StudyPlan.builder().seeds(1, 2).batchSizes(8, 64)
            .optimizers(Optimizer.SGD_MOMENTUM).learningRates(0.05).epochs(2).grid();

    static MultiLayerNetwork mlp(RunSettings s) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(s.seed())
                .updater(s.optimizer().updater(s.learningRate())).l2(s.weightDecay()).weightInit(WeightInit.XAVIER)
                .list()
                .layer(new DenseLayer.Builder().nIn(20).nOut(12).activation(Activation.RELU)
                        .dropOut(s.retainProbability()).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(12).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        return net;
    }

    private static StudyRecord study(Path file, StudyRunner runner) {
        SnapshotConfig d = Study.defaultSnapshots();
        SnapshotConfig light = new SnapshotConfig(d.grid(), d.range(), d.normalization(), d.biasBn(), d.planes(), false,
                d.epsilon(), 4, 3, 4, 2, false, d.sharpnessBoxAll(), d.curvatureAll(), d.pcaCentred());
        try (LandscapeStore store = LandscapeStore.open(file)) {
            Study.Builder b = Study.builder("tiny").store(store).model(SparkStudyTest::mlp).data(TRAIN, HELD_OUT)
                    .plan(PLAN).probeSize(48).snapshots(light).analysis(new StudyAnalysis(200, 100, 7));
            return (runner == null ? b : b.runner(runner)).build().run();
        }
    }

    @Test
    void aStudyOnSparkIsTheStudyInOneJvm(@TempDir Path dir) {
        StudyRecord here = study(dir.resolve("here.db"), null);
        StudyRecord spark;
        try (SparkJobs jobs = SparkJobs.open("local[2]")) {
            spark = study(dir.resolve("spark.db"), jobs.studyRunner());
        }
        assertThat(spark.runs()).hasSize(4);
        for (int i = 0; i < here.runs().size(); i++) {
            StudyRecord.Run a = here.runs().get(i);
            StudyRecord.Run b = spark.runs().get(i);
            assertThat(b.key()).isEqualTo(a.key());
            assertThat(b.epochs()).isEqualTo(a.epochs());
            assertThat(b.measures()).as(a.key()).isEqualTo(a.measures());
        }
        assertThat(spark.correlations()).isEqualTo(here.correlations()); // records: doubles by Double.compare

        try (LandscapeStore store = LandscapeStore.openExisting(dir.resolve("spark.db"))) {
            assertThat(store.listRuns()).hasSize(4);
            for (StudyRecord.Run r : spark.runs()) {
                assertThat(store.scalars(r.runId()).iteration()).isNotEmpty();
                assertThat(store.checkpoints(r.runId())).extracting(Checkpoint::kind)
                        .contains(Checkpoint.Kind.INITIAL, Checkpoint.Kind.FINAL);
            }
            assertThat(store.study("tiny")).isPresent();
        }
    }
}
