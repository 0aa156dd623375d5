package io.github.landscape4j.listener;

import io.github.landscape4j.store.LandscapeStore;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.listeners.ScoreIterationListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A fault inside the plugin is logged, recording stops, training goes on unchanged. */
class FaultToleranceTest {

    @TempDir
    Path dir;

    @Test
    void storeClosedUnderTheListenersFeet() {
        List<DataSet> data = TestNets.data(20, 8, 20, 11);
        MultiLayerNetwork reference = TestNets.mlpWithDropout();
        TestNets.train(reference, data, 1);

        LandscapeStore store = LandscapeStore.open(dir.resolve("closed.db"));
        LandscapeListener listener = LandscapeListener.builder().store(store).commitEvery(1).build();
        MultiLayerNetwork net = TestNets.mlpWithDropout();
        int[] seen = new int[1];
        BaseTrainingListener saboteur = new BaseTrainingListener() {
            @Override
            public void iterationDone(Model model, int iteration, int epoch) {
                seen[0]++;
                if (iteration == 5) {
                    listener.flush();
                    store.close(); // the store goes away mid-training
                }
            }
        };
        net.setListeners(listener, saboteur, new ScoreIterationListener(1));
        TestNets.train(net, data, 1);

        assertThat(seen[0]).as("fit went on to the end").isEqualTo(20);
        assertThat(listener.faulted()).isTrue();
        assertThat(net.params().toFloatVector()).containsExactly(reference.params().toFloatVector());
        listener.close(); // idempotent, quiet after a fault
        listener.close();
    }
}
