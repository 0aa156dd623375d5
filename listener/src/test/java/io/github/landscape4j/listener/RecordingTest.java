package io.github.landscape4j.listener;

import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.ParameterTensor;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.ScalarSeries;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.data.Offset.offset;

/** What the listener records, checked against quantities computed independently in the test. */
class RecordingTest {

    @TempDir
    Path dir;

    /** Copies the parameters after each iteration: an independent view of what the updater applied. */
    static final class ParamsSpy extends BaseTrainingListener {
        final List<float[]> params = new ArrayList<>();
        final List<Double> scores = new ArrayList<>();

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            params.add(model.params().toFloatVector());
            scores.add(model.score());
        }
    }

    @Test
    void recordsRawGradientBeforeTheUpdaterAndTheAppliedUpdate() {
        double lr = 0.05;
        MultiLayerNetwork net = TestNets.mlpSgd(lr);
        float[] initial = net.params().toFloatVector();
        List<DataSet> data = TestNets.data(5, 32, 20, 2);
        ParamsSpy spy = new ParamsSpy();
        Path file = dir.resolve("sgd.db");
        try (LandscapeListener listener = LandscapeListener.builder().store(file).runName("sgd").tags("a", "b")
                .checkpointEvery(2).tensorEvery(1).build()) {
            net.setListeners(listener, spy);
            // fit(DataSet) per batch: DL4J calls onForwardPass first, inside its activation workspace
            for (int epoch = 0; epoch < 2; epoch++) {
                for (DataSet d : data) {
                    net.fit(d);
                }
                net.incrementEpochCount();
            }
        }

        try (LandscapeStore store = LandscapeStore.openExisting(file)) {
            List<RunInfo> runs = store.listRuns();
            assertThat(runs).hasSize(1);
            RunInfo run = runs.get(0);
            assertThat(run.name()).isEqualTo("sgd");
            assertThat(run.tags()).containsExactly("a", "b");
            assertThat(run.runId()).startsWith("sgd-");
            assertThat(run.modelClass()).isEqualTo("MultiLayerNetwork");
            assertThat(run.modelConfigJson()).contains("\"learningRate\" : 0.05");
            assertThat(run.numParams()).isEqualTo(net.numParams());
            assertThat(run.tensors()).extracting(ParameterTensor::name).containsExactly("0_W", "0_b", "1_W", "1_b");
            assertThat(run.versions()).containsEntry("deeplearning4j", "1.0.0-M2.1");
            assertThat(run.listenerConfig()).containsEntry("checkpointEvery", "2");

            ScalarSeries s = store.scalars(run.runId());
            assertThat(s.size()).isEqualTo(10);
            assertThat(s.iteration()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
            assertThat(s.epoch()).containsExactly(0, 0, 0, 0, 0, 1, 1, 1, 1, 1);
            assertThat(s.learningRate()).containsOnly(lr);
            for (int i = 0; i < s.size(); i++) {
                assertThat(s.score()[i]).isEqualTo(spy.scores.get(i));
                // weight norm: the parameters after the update of iteration i
                assertThat(s.weightNorm()[i]).isCloseTo(norm(spy.params.get(i)), within(1e-4));
                // the update actually applied
                double applied = i == 0 ? norm(diff(spy.params.get(0), initial))
                        : norm(diff(spy.params.get(i), spy.params.get(i - 1)));
                assertThat(s.updateNorm()[i]).isCloseTo(applied, within(1e-6));
                // plain SGD: update = lr * gradient of the mean minibatch loss, so the recorded gradient is the
                // raw gradient before the updater, scaled to the mean over the minibatch
                assertThat(applied).isCloseTo(lr * s.gradientNorm()[i], offset(1e-5 * applied + 1e-7));
                double sq = 0;
                for (double[] t : s.gradientNormByTensor().values()) {
                    sq += t[i] * t[i];
                }
                assertThat(Math.sqrt(sq)).isCloseTo(s.gradientNorm()[i], within(1e-5 * s.gradientNorm()[i]));
            }
            assertThat(s.weightNormByTensor()).containsOnlyKeys("0_W", "0_b", "1_W", "1_b");
            assertThat(s.wallMillis()).isSorted();

            List<Checkpoint> cps = store.checkpoints(run.runId());
            assertThat(cps.get(0).kind()).isEqualTo(Checkpoint.Kind.INITIAL);
            assertThat(cps.get(0).params()).containsExactly(initial);
            assertThat(cps.stream().filter(c -> c.kind() == Checkpoint.Kind.PERIODIC).map(Checkpoint::iteration))
                    .containsExactly(2L, 4L, 6L, 8L);
            Checkpoint periodic4 = cps.stream().filter(c -> c.iteration() == 4).findFirst().orElseThrow();
            assertThat(periodic4.params()).containsExactly(spy.params.get(4));
            Checkpoint last = cps.get(cps.size() - 1);
            assertThat(last.kind()).isEqualTo(Checkpoint.Kind.FINAL);
            assertThat(last.iteration()).isEqualTo(9);
            assertThat(last.params()).containsExactly(net.params().toFloatVector());
            assertThat(cps).filteredOn(c -> c.kind() == Checkpoint.Kind.FINAL).hasSize(1);
        }
    }

    @Test
    void recordsEveryNthIterationAndAnAdamUpdate() {
        MultiLayerNetwork net = TestNets.mlpWithDropout();
        ParamsSpy spy = new ParamsSpy();
        try (LandscapeListener listener = LandscapeListener.builder().store(dir.resolve("adam.db")).every(3)
                .perTensor(false).build()) {
            net.setListeners(listener, spy);
            TestNets.train(net, TestNets.data(10, 16, 20, 3), 1);
            listener.flush();
            LandscapeStore store = listener.store().orElseThrow();
            ScalarSeries s = store.scalars(listener.runs().get(0).runId());
            assertThat(s.iteration()).containsExactly(0, 3, 6, 9);
            assertThat(s.gradientNormByTensor()).isEmpty();
            assertThat(s.weightNormByTensor()).isEmpty();
            // the update of a recorded row is Adam's step at that iteration: the parameter change it made
            assertThat(s.updateNorm()[2]).isCloseTo(norm(diff(spy.params.get(6), spy.params.get(5))),
                    within(1e-6));
            assertThat(java.util.Arrays.stream(s.gradientNorm()).boxed().toList()).allSatisfy(g -> assertThat(g).isPositive().isFinite());
        }
    }

    static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }

    static float[] diff(float[] a, float[] b) {
        float[] d = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i] - b[i];
        }
        return d;
    }

    static {
        Nd4j.getRandom(); // load the backend once, outside the timed parts
    }
}
