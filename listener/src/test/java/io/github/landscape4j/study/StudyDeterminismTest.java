package io.github.landscape4j.study;

import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.ScalarSeries;
import io.github.landscape4j.store.StudyRecord;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two runs of a study plan computed on two threads of one JVM (the study's own {@code parallel(2)}, or two studies of
 * one run each on threads of their own, as Spark tasks are) give, bit for bit, the numbers of the same runs computed
 * one after the other: every measure of each run's final snapshot (what the study records), the scores and norms the
 * listener stored at every iteration and the final parameters. The runs differ in length (1 and 16 epochs), so the
 * short run's snapshot overlaps the long run's training. The network (3,075 parameters), the probes (256 examples)
 * and the minibatches (128) are large enough for the thread setting to show in the last bits: ND4J cuts its
 * reductions into one partial sum per thread, and BLAS's threads change how some of a step's products add up.
 */
class StudyDeterminismTest {
    static final DataSet TRAIN = DataSet.merge(TestNets.data(8, 64, 20, 1));
    static final DataSet HELD_OUT = DataSet.merge(TestNets.data(4, 64, 20, 2));
    static final int[] EPOCHS = {1, 16};

    @TempDir
    static Path dir;
    /** Run key → its numbers, the runs computed one after the other. */
    static Map<String, Numbers> oneAfterTheOther;

    /** What a run left: its measures, its per-iteration scalars and its final parameters. */
    record Numbers(Map<String, Double> measures, long[] iteration, double[][] scalars, float[] finalParams) {
    }

    /** A wider MLP than StudyTest's, with dropout (ND4J's per-thread generator). */
    static MultiLayerNetwork mlp(RunSettings s) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(s.seed())
                .updater(s.optimizer().updater(s.learningRate())).weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(20).nOut(128).activation(Activation.RELU)
                        .dropOut(s.retainProbability()).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(128).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        return net;
    }

    static StudyPlan plan(int... epochs) {
        return StudyPlan.builder().seeds(3).batchSizes(128).optimizers(Optimizer.SGD_MOMENTUM)
                .learningRates(0.05).dropouts(0.1).epochs(epochs).grid();
    }

    /** Runs the plan in a store of its own; the runs' numbers by key. */
    static Map<String, Numbers> study(String file, StudyPlan plan, int parallel) {
        try (LandscapeStore store = LandscapeStore.open(dir.resolve(file))) {
            StudyRecord r = Study.builder("det").store(store).model(StudyDeterminismTest::mlp).data(TRAIN, HELD_OUT)
                    .plan(plan).probeSize(256).snapshots(StudyTest.light()).parallel(parallel)
                    .analysis(new StudyAnalysis(20, 20, 7)).build().run();
            Map<String, Numbers> out = new LinkedHashMap<>();
            for (StudyRecord.Run run : r.runs()) {
                ScalarSeries s = store.scalars(run.runId());
                List<Checkpoint> checkpoints = store.checkpoints(run.runId());
                Checkpoint last = checkpoints.get(checkpoints.size() - 1);
                assertThat(last.kind()).isEqualTo(Checkpoint.Kind.FINAL);
                out.put(run.key(), new Numbers(run.measures(), s.iteration(), new double[][]{s.score(),
                        s.gradientNorm(), s.updateNorm(), s.weightNorm()}, last.params()));
            }
            return out;
        }
    }

    @BeforeAll
    static void oneAfterTheOther() {
        oneAfterTheOther = study("sequential.db", plan(EPOCHS), 1);
        assertThat(oneAfterTheOther).hasSize(2);
        oneAfterTheOther.values().forEach(n -> assertThat(n.measures().get("sharpness_random_mean")).isFinite());
    }

    @Test
    void aStudyTrainingTwoRunsAtOnceGivesTheNumbersOfOneAfterTheOther() {
        assertSame(study("parallel.db", plan(EPOCHS), 2));
    }

    @Test
    void studiesOnTwoThreadsOfTheJvmGiveTheNumbersOfOneAfterTheOther() throws Exception {
        ExecutorService tasks = Executors.newFixedThreadPool(2);
        try {
            List<CompletableFuture<Map<String, Numbers>>> each = new ArrayList<>();
            for (int e : EPOCHS) {
                each.add(CompletableFuture.supplyAsync(() -> study("task-" + e + ".db", plan(e), 1), tasks));
            }
            Map<String, Numbers> concurrent = new LinkedHashMap<>();
            for (CompletableFuture<Map<String, Numbers>> f : each) {
                concurrent.putAll(f.get());
            }
            assertSame(concurrent);
        } finally {
            tasks.shutdown();
        }
    }

    /** Every number of every run bitwise equal to the run's computed one after the other (all differences listed). */
    private static void assertSame(Map<String, Numbers> concurrent) {
        assertThat(concurrent.keySet()).containsExactlyInAnyOrderElementsOf(oneAfterTheOther.keySet());
        SoftAssertions.assertSoftly(soft -> oneAfterTheOther.forEach((key, expected) -> {
            Numbers actual = concurrent.get(key);
            soft.assertThat(actual.measures()).withFailMessage("measures of %s differ:%s", key,
                    differences(expected.measures(), actual.measures())).isEqualTo(expected.measures());
            soft.assertThat(actual.iteration()).as("iterations of %s", key).isEqualTo(expected.iteration());
            for (int c = 0; c < expected.scalars().length; c++) {
                soft.assertThat(Arrays.equals(actual.scalars()[c], expected.scalars()[c]))
                        .withFailMessage("%s of %s differs at some iteration, by %.2e relative at most", List.of(
                                "score", "gradient norm", "update norm", "weight norm").get(c), key,
                                largest(expected.scalars()[c], actual.scalars()[c])).isTrue();
            }
            soft.assertThat(Arrays.equals(actual.finalParams(), expected.finalParams()))
                    .withFailMessage("final parameters of %s differ", key).isTrue();
        }));
    }

    /** The measures that differ, each with its two values and their relative difference. */
    private static String differences(Map<String, Double> a, Map<String, Double> b) {
        StringBuilder out = new StringBuilder();
        TreeSet<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        for (String k : keys) {
            Double x = a.get(k);
            Double y = b.get(k);
            if (!Objects.equals(x, y)) {
                out.append(String.format("%n  %s: %s vs %s (relative %.2e)", k, x, y,
                        x == null || y == null ? Double.NaN : relative(x, y)));
            }
        }
        return out.toString();
    }

    private static double largest(double[] a, double[] b) {
        double worst = 0;
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (Double.compare(a[i], b[i]) != 0) {
                worst = Math.max(worst, relative(a[i], b[i]));
            }
        }
        return worst;
    }

    private static double relative(double expected, double actual) {
        return Math.abs(expected - actual) / Math.max(Math.abs(expected), Double.MIN_VALUE);
    }
}
