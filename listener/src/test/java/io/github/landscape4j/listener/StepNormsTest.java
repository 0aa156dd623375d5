package io.github.landscape4j.listener;

import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.ParameterTensor;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.ScalarSeries;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The norms the listener reads from DL4J's flattened gradient array (not through {@code gradient().gradient()}) are
 * those of the gradient and of the update DL4J's own accessor gives, globally and per tensor, on a
 * MultiLayerNetwork and a ComputationGraph, past the row where that array is checked again.
 */
class StepNormsTest {
    private static final int BATCH = 16;
    private static final int ITERATIONS = 70; // past RunScalars.CHECK_EVERY

    @TempDir
    Path dir;

    /** Copies, through DL4J's public accessor, the raw gradient and then the applied update of each iteration. */
    static final class GradientSpy extends BaseTrainingListener {
        final List<float[]> gradients = new ArrayList<>();
        final List<float[]> updates = new ArrayList<>();

        @Override
        public void onGradientCalculation(Model model) {
            gradients.add(model.gradient().gradient().toFloatVector());
        }

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            updates.add(model.gradient().gradient().toFloatVector());
        }
    }

    @Test
    void multiLayerNetwork() {
        check(TestNets.mlp(new Adam(1e-2), 1.0), "mlp");
    }

    @Test
    void computationGraph() {
        check(TestNets.graph(), "graph");
    }

    private void check(Model model, String name) {
        List<DataSet> data = TestNets.data(ITERATIONS, BATCH, 20, 3);
        GradientSpy spy = new GradientSpy();
        Path file = dir.resolve(name + ".db");
        try (LandscapeListener listener = LandscapeListener.builder().store(file).every(1).tensorEvery(3).snapshot("off")
                .build()) {
            model.setListeners(listener, spy);
            TestNets.train(model, data, 1);
        }
        try (LandscapeStore store = LandscapeStore.openExisting(file)) {
            RunInfo run = store.listRuns().get(0);
            ScalarSeries s = store.scalars(run.runId());
            assertThat(s.size()).isEqualTo(ITERATIONS);
            assertThat(spy.gradients).hasSize(ITERATIONS);
            for (int i = 0; i < ITERATIONS; i++) {
                float[] g = spy.gradients.get(i);
                float[] u = spy.updates.get(i);
                assertThat(s.gradientNorm()[i]).as("gradient norm, row %d", i)
                        .isCloseTo(norm(g, 0, g.length) / BATCH, within(1e-5 * norm(g, 0, g.length) / BATCH));
                assertThat(s.updateNorm()[i]).as("update norm, row %d", i)
                        .isCloseTo(norm(u, 0, u.length), within(1e-5 * norm(u, 0, u.length)));
                boolean perTensor = i % 3 == 0;
                for (ParameterTensor t : run.tensors()) {
                    double gt = s.gradientNormByTensor().get(t.name())[i];
                    double ut = s.updateNormByTensor().get(t.name())[i];
                    if (!perTensor) {
                        assertThat(gt).isNaN();
                        continue;
                    }
                    double eg = norm(g, t.offset(), t.length()) / BATCH;
                    double eu = norm(u, t.offset(), t.length());
                    assertThat(gt).as("%s gradient, row %d", t.name(), i).isCloseTo(eg, within(1e-5 * eg + 1e-9));
                    assertThat(ut).as("%s update, row %d", t.name(), i).isCloseTo(eu, within(1e-5 * eu + 1e-9));
                }
            }
        }
    }

    private static double norm(float[] v, long from, long length) {
        double sq = 0;
        for (long i = from; i < from + length; i++) {
            sq += (double) v[(int) i] * v[(int) i];
        }
        return Math.sqrt(sq);
    }
}
