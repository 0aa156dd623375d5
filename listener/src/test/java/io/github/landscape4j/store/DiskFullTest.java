package io.github.landscape4j.store;

import io.github.landscape4j.listener.LandscapeListener;
import io.github.landscape4j.listener.Stderr;
import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.store.internal.LandscapeFileStatsStorage;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run that fills its disk: the listener records into a store on a 4 MiB tmpfs (mounted by the test; root only, as
 * CI runs) until the disk is nearly full. Recording stops with one line saying why, training goes on, and the file
 * opens afterwards, on the full disk, holding every record a reader saw committed before, each readable.
 */
class DiskFullTest {
    private SmallDisk disk;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        disk = SmallDisk.mount("4m");
    }

    @AfterEach
    void unmount() throws Exception {
        if (disk != null) {
            disk.close();
        }
    }

    @Test
    void aFullDiskStopsRecordingAndKeepsEveryCommit() throws Exception {
        Path file = disk.path().resolve("full.db");
        List<DataSet> data = TestNets.data(60, 32, 200, 5);
        MultiLayerNetwork net = mlp(); // 52k parameters: a checkpoint is ~200 KiB
        MultiLayerNetwork reference = mlp();
        TestNets.train(reference, data, 1);

        LandscapeStore.RecordCounts[] seen = new LandscapeStore.RecordCounts[1];
        int[] iterations = new int[1];
        String log = Stderr.of(() -> {
            try (LandscapeStore store = LandscapeStore.open(file)) {
                LandscapeListener listener = LandscapeListener.builder().store(store).commitEvery(1)
                        .checkpointEvery(1).maxCheckpoints(1000).checkpointMB(1000).snapshot("every:4").grid(5)
                        .slices(false).probeSize(64).build();
                BaseTrainingListener reader = new BaseTrainingListener() {
                    @Override
                    public void iterationDone(Model model, int iteration, int epoch) {
                        iterations[0]++;
                        listener.flush(); // what is queued so far is committed, or refused
                        List<RunInfo> runs = store.listRuns();
                        if (!runs.isEmpty()) {
                            seen[0] = store.counts(runs.get(0)); // whole commits only
                        }
                    }
                };
                net.setListeners(listener, reader);
                TestNets.train(net, data, 1);
                listener.close();
                assertThat(listener.faulted()).as("recording stopped").isTrue();
            }
        });
        assertThat(iterations[0]).as("training went on to the end").isEqualTo(data.size());
        assertThat(net.params().toFloatVector()).containsExactly(reference.params().toFloatVector());
        assertThat(log).contains("recording into it stops, and everything committed before is kept")
                .doesNotContain("No space left on device").doesNotContain("Exception");
        assertThat(seen[0]).isNotNull();
        assertThat(seen[0].checkpoints()).as("checkpoints committed before the disk filled").isGreaterThan(3);
        assertThat(seen[0].snapshots()).as("snapshots committed before the disk filled").isGreaterThan(0);
        assertThat(Files.getFileStore(disk.path()).getUsableSpace()).as("recording stopped once the disk was filling up")
                .isLessThan(LandscapeFileStatsStorage.spaceNeeded(4L * net.numParams(), 2) * 3 / 2);

        try (LandscapeStore reopened = LandscapeStore.openExisting(file)) { // on the full disk
            RunInfo run = reopened.listRuns().get(0);
            LandscapeStore.RecordCounts counts = reopened.counts(run);
            assertThat(counts.checkpoints()).isGreaterThanOrEqualTo(seen[0].checkpoints());
            assertThat(counts.snapshots()).isGreaterThanOrEqualTo(seen[0].snapshots());
            assertThat(counts.scalarRecords()).isGreaterThanOrEqualTo(seen[0].scalarRecords());
            List<Checkpoint> checkpoints = reopened.checkpoints(run.runId());
            assertThat(checkpoints).hasSize(counts.checkpoints());
            for (Checkpoint c : checkpoints) {
                assertThat(c.params().length).isEqualTo(net.numParams());
            }
            assertThat(reopened.snapshots(run.runId())).hasSize(counts.snapshots());
            assertThat(reopened.scalars(run.runId()).iteration()).isNotEmpty();
        }
    }

    private static MultiLayerNetwork mlp() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(7)
                .updater(new Adam(1e-3)).list()
                .layer(new DenseLayer.Builder().nIn(200).nOut(256).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(256).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        return net;
    }
}
