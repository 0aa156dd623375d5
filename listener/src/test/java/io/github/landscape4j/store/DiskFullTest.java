package io.github.landscape4j.store;

import io.github.landscape4j.listener.LandscapeListener;
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

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A run that fills its disk: the listener records into a store on a 4 MiB tmpfs (mounted by the test; root only, as
 * CI runs) until the disk is nearly full. Recording stops with one line saying why, training goes on, and the file
 * opens afterwards, on the full disk, holding every record a reader saw committed before, each readable.
 */
class DiskFullTest {
    private Path mount;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root (CI runs as root)");
        mount = Files.createTempDirectory("landscape4j-full");
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", mount.toString())
                .redirectErrorStream(true).start();
        assumeTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, "mount -t tmpfs failed");
    }

    @AfterEach
    void unmount() throws Exception {
        if (mount != null) {
            new ProcessBuilder("umount", "-l", mount.toString()).start().waitFor(30, TimeUnit.SECONDS);
            Files.deleteIfExists(mount);
        }
    }

    @Test
    void aFullDiskStopsRecordingAndKeepsEveryCommit() throws Exception {
        Path file = mount.resolve("full.db");
        List<DataSet> data = TestNets.data(60, 32, 200, 5);
        MultiLayerNetwork net = mlp(); // 52k parameters: a checkpoint is ~200 KiB
        MultiLayerNetwork reference = mlp();
        TestNets.train(reference, data, 1);

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        LandscapeStore.RecordCounts[] seen = new LandscapeStore.RecordCounts[1];
        int[] iterations = new int[1];
        try (LandscapeStore store = LandscapeStore.open(file)) {
            LandscapeListener listener = LandscapeListener.builder().store(store).commitEvery(1).checkpointEvery(1)
                    .maxCheckpoints(1000).checkpointMB(1000).snapshot("every:4").grid(5).slices(false)
                    .probeSize(64).build();
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
        } finally {
            System.setErr(oldErr);
        }
        String log = err.toString(StandardCharsets.UTF_8);
        assertThat(iterations[0]).as("training went on to the end").isEqualTo(data.size());
        assertThat(net.params().toFloatVector()).containsExactly(reference.params().toFloatVector());
        assertThat(log).contains("recording into it stops, and everything committed before is kept")
                .doesNotContain("No space left on device").doesNotContain("Exception");
        assertThat(seen[0]).isNotNull();
        assertThat(seen[0].checkpoints()).as("checkpoints committed before the disk filled").isGreaterThan(3);
        assertThat(seen[0].snapshots()).as("snapshots committed before the disk filled").isGreaterThan(0);
        assertThat(Files.getFileStore(mount).getUsableSpace()).as("recording stopped once the disk was filling up")
                .isLessThan(LandscapeFileStatsStorage.spaceNeeded(0, 1) * 3 / 2);

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
