package io.github.landscape4j.study;

import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.StudyRecord;
import io.github.landscape4j.study.internal.Statistics;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class StudyTest {
    public static final DataSet TRAIN = DataSet.merge(TestNets.data(4, 32, 20, 1));
    public static final DataSet HELD_OUT = DataSet.merge(TestNets.data(2, 32, 20, 2));
    public static final StudyPlan PLAN = StudyPlan.builder().seeds(1, 2).batchSizes(8, 64)
            .optimizers(Optimizer.SGD_MOMENTUM).learningRates(0.05).epochs(2).grid();

    /** A small MLP built from the settings, as a user's StudyModel would. */
    public static MultiLayerNetwork mlp(RunSettings s) {
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

    /** Cheap measures: the test checks the chain, not the estimates. */
    public static SnapshotConfig light() {
        SnapshotConfig d = Study.defaultSnapshots();
        return new SnapshotConfig(d.grid(), d.range(), d.normalization(), d.biasBn(), d.planes(), false, d.epsilon(),
                4, 3, 4, 2, false, d.sharpnessBoxAll(), d.curvatureAll(), d.pcaCentred());
    }

    /** The tiny study (name "tiny"): {@link #PLAN} on {@link #TRAIN}, {@link #light()} measures; also SparkStudyTest's. */
    public static Study.Builder study(LandscapeStore store, StudyModel model) {
        return Study.builder("tiny").store(store).model(model).data(TRAIN, HELD_OUT).plan(PLAN).probeSize(48)
                .snapshots(light()).analysis(new StudyAnalysis(200, 100, 7));
    }

    @Test
    void runsEveryPlannedRunIntoTheStoreAndCorrelatesMeasuresWithTheGap(@TempDir Path dir) {
        List<String> lines = new ArrayList<>();
        try (LandscapeStore store = LandscapeStore.open(dir.resolve("s.db"))) {
            StudyRecord r = study(store, StudyTest::mlp).progress(lines::add).build().run();

            assertThat(r.runs()).extracting(StudyRecord.Run::key)
                    .containsExactlyElementsOf(PLAN.runs().stream().map(RunSettings::key).toList());
            assertThat(store.listRuns()).extracting(RunInfo::name)
                    .containsExactlyInAnyOrderElementsOf(PLAN.runs().stream().map(RunSettings::key).toList());
            RunInfo first = store.listRuns().get(0);
            assertThat(first.tags()).contains("study=tiny", "optimizer=sgd");
            assertThat(store.scalars(first.runId()).size()).isPositive();
            for (StudyRecord.Run run : r.runs()) {
                assertThat(run.measure("gap")).isFinite();
                assertThat(run.measure("sharpness_eps")).isFinite();
                assertThat(run.measure("hessian_top")).isFinite();
                assertThat(run.epochs()).isEqualTo(2);
            }
            // the correlations are those of a direct computation over the runs
            StudyRecord.Correlation c = r.correlations().stream()
                    .filter(x -> x.measure().equals("sharpness_eps") && x.gap().equals("gap")).findFirst()
                    .orElseThrow();
            double[] x = r.runs().stream().mapToDouble(run -> run.measure("sharpness_eps")).toArray();
            double[] y = r.runs().stream().mapToDouble(run -> run.measure("gap")).toArray();
            assertThat(c.n()).isEqualTo(4);
            assertThat(c.tau()).isEqualTo(Statistics.kendall(x, y));
            assertThat(c.rho()).isEqualTo(Statistics.spearman(x, y));
            assertThat(c.tauByAxis()).containsOnlyKeys("seed", "batch");
            assertThat(c.scaleInvariant()).isFalse();
            assertThat(r.correlations()).extracting(StudyRecord.Correlation::measure)
                    .contains("sharpness_adaptive", "hessian_trace").doesNotContain("gap", "val_loss", "gap_se", "hessian_trace_se");
            // stored as written
            assertThat(store.study("tiny")).contains(r);
            assertThat(lines).anyMatch(l -> l.contains("4 to train")).anyMatch(l -> l.contains("[4/4]")
                    && l.contains("ETA"));
        }
    }

    @Test
    void resumesAfterAFailedRunTrainingOnlyTheUnfinishedOnes(@TempDir Path dir) {
        Path file = dir.resolve("s.db");
        AtomicInteger built = new AtomicInteger();
        try (LandscapeStore store = LandscapeStore.open(file)) {
            assertThatThrownBy(() -> study(store, s -> {
                if (built.incrementAndGet() == 3) {
                    throw new IllegalStateException("out of memory, say");
                }
                return mlp(s);
            }).build().run()).isInstanceOf(StudyException.class).hasMessageContaining(PLAN.runs().get(2).key());
            assertThat(store.study("tiny").orElseThrow().runs()).hasSize(2);
        }
        built.set(0);
        try (LandscapeStore store = LandscapeStore.open(file)) {
            StudyRecord r = study(store, s -> {
                built.incrementAndGet();
                return mlp(s);
            }).build().run();
            assertThat(built).hasValue(2);
            assertThat(r.runs()).hasSize(4);
            assertThat(r.correlations()).isNotEmpty();
            built.set(0);
            assertThat(study(store, s -> {
                built.incrementAndGet();
                return mlp(s);
            }).build().run().runs()).isEqualTo(r.runs());
            assertThat(built).hasValue(0);
        }
    }

    @Test
    void twoRunsAtOnceGiveEachRunTheSameNumbers(@TempDir Path dir) {
        StudyRecord one;
        StudyRecord two;
        try (LandscapeStore store = LandscapeStore.open(dir.resolve("a.db"))) {
            one = study(store, StudyTest::mlp).build().run();
        }
        try (LandscapeStore store = LandscapeStore.open(dir.resolve("b.db"))) {
            two = study(store, StudyTest::mlp).parallel(2).build().run();
        }
        for (int i = 0; i < one.runs().size(); i++) {
            assertThat(two.runs().get(i).key()).isEqualTo(one.runs().get(i).key());
            assertThat(two.runs().get(i).measures()).isEqualTo(one.runs().get(i).measures());
        }
    }

    @Test
    void writesTheReportFiles(@TempDir Path dir) throws Exception {
        StudyRecord r;
        try (LandscapeStore store = LandscapeStore.open(dir.resolve("s.db"))) {
            r = study(store, StudyTest::mlp).build().run();
        }
        List<Path> files = StudyReport.write(r, dir.resolve("out"));
        assertThat(files).allMatch(Files::isRegularFile);
        assertThat(Files.readAllLines(dir.resolve("out/runs.csv"))).hasSize(5);
        assertThat(Files.readString(dir.resolve("out/correlations.csv"))).contains("sharpness_eps,gap,4,");
        String report = Files.readString(dir.resolve("out/report.md"));
        assertThat(report).contains("| ε-sharpness (`sharpness_eps`) | 4 |");
        // the answer comes first: a verdict per flatness measure and gap, corrected, with the warnings
        assertThat(report.indexOf("## Answer")).isPositive().isLessThan(report.indexOf("## Against the loss gap"));
        StudyAnswer answer = StudyAnswer.of(r);
        assertThat(answer.verdicts()).isNotEmpty().allMatch(v -> v.n() == 4)
                .extracting(StudyAnswer.Verdict::measure).contains("sharpness_eps", "hessian_top")
                .doesNotContain("train_loss", "probe_gradient_norm");
        assertThat(answer.verdicts()).allMatch(v -> v.holmP() >= v.tauP() && !v.significant()
                && v.finding().startsWith("no evidence")); // 4 runs: no permutation p survives the correction
        assertThat(answer.warnings()).anyMatch(w -> w.startsWith("only 4 runs"));
        assertThat(report).contains("- **ε-sharpness** (`sharpness_eps`) against the loss gap: no evidence")
                .contains("> Warning: only 4 runs").contains("Holm's method across all " + answer.tests() + " tests");
        assertThat(r.correlations()).anyMatch(c -> c.n() == 0); // measures not computed for this model ...
        r.correlations().stream().filter(c -> c.n() == 0).forEach(c -> // ... have no rows
                assertThat(report).doesNotContain("(`" + c.measure() + "`) | 0 |"));
        assertThat(Files.readString(dir.resolve("out/study.json"))).contains("\"name\": \"tiny\"")
                .doesNotContain("NaN");
    }

    @Test
    void stopsARunWhenItsTrainLossFallsBelowTheThreshold(@TempDir Path dir) {
        try (LandscapeStore store = LandscapeStore.open(dir.resolve("s.db"))) {
            StudyRecord r = study(store, StudyTest::mlp).plan(StudyPlan.builder().seeds(1).batchSizes(8)
                    .optimizers(Optimizer.ADAM).learningRates(0.01).epochs(50).grid())
                    .stopping(StoppingRule.trainLossBelow(0.6)).build().run();
            StudyRecord.Run run = r.runs().get(0);
            assertThat(run.stopReason()).isEqualTo("train loss below 0.6");
            assertThat(run.epochs()).isBetween(1, 49);
        }
    }
}
