package io.github.landscape4j.examples.cli;

import io.github.landscape4j.listener.LandscapeListener;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.store.Surface;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code examples/landscape.sh ... --spark local[2]}, run as a user runs it (the script puts Spark on the class path
 * of its own JVM; never on this one, which has the UI): the snapshot written equals the same command's without
 * {@code --spark} bit for bit, for the random and PCA planes of a recorded run in a real MapDB store.
 */
class OfflineSparkTest {

    private static String landscape(Path log, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", Path.of("landscape.sh").toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("landscape.sh ended").isTrue();
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void theSparkCommandWritesTheSameSnapshotBitForBit(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3)
                .updater(new Sgd(0.2)).list()
                .layer(new DenseLayer.Builder().nIn(5).nOut(8).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(3)
                        .activation(Activation.SOFTMAX).build()).build());
        net.init();
        List<DataSet> data = OfflineSnapshotTest.data(8, 16);
        Path runs = dir.resolve("runs.db");
        String runId;
        try (LandscapeListener l = LandscapeListener.builder().store(runs).snapshot("off").checkpointEvery(2)
                .build()) {
            net.setListeners(l);
            for (int e = 0; e < 3; e++) {
                data.forEach(net::fit);
            }
            runId = l.runs().get(0).runId();
        }
        Path probes = dir.resolve("probes");
        Files.createDirectories(probes);
        DataSet all = DataSet.merge(data);
        Nd4j.writeAsNumpy(all.getFeatures(), probes.resolve("train_features_0.npy").toFile());
        Nd4j.writeAsNumpy(all.getLabels(), probes.resolve("train_labels_0.npy").toFile());

        String[] common = {"--store", runs.toString(), "--run", runId, "--data", "npy:" + probes, "--grid", "21",
                "--planes", "random+pca", "--options", "hessianIterations=3;hutchinson=1;ascentSteps=2;sharpnessK=2"};
        Path plain = dir.resolve("plain.db");
        Path spark = dir.resolve("spark.db");
        landscape(dir.resolve("plain.log"), concat(common, "--out", plain.toString()));
        String out = landscape(dir.resolve("spark.log"), concat(common, "--out", spark.toString(), "--spark",
                "local[2]"));
        assertThat(out).contains("21x21 snapshot of " + runId).contains("on Spark local[2]");

        Snapshot a = only(plain);
        Snapshot b = only(spark);
        assertThat(b.surfaces()).extracting(Surface::plane).containsExactly("random", "pca");
        for (int i = 0; i < a.surfaces().size(); i++) {
            assertThat(b.surfaces().get(i).trainLoss()).isDeepEqualTo(a.surfaces().get(i).trainLoss());
            assertThat(b.surfaces().get(i).trainAccuracy()).isDeepEqualTo(a.surfaces().get(i).trainAccuracy());
            assertThat(b.surfaces().get(i).path()).isDeepEqualTo(a.surfaces().get(i).path());
        }
        assertThat(b.measures()).isEqualTo(a.measures());
        assertThat(b.slices()).usingRecursiveFieldByFieldElementComparator().isEqualTo(a.slices());
        try (LandscapeStore s = LandscapeStore.openExisting(spark)) {
            RunInfo info = s.listRuns().get(0);
            assertThat(info.listenerConfig()).containsEntry("spark", "local[2]");
        }
    }

    private static Snapshot only(Path store) {
        try (LandscapeStore s = LandscapeStore.openExisting(store)) {
            List<RunInfo> runs = s.listRuns();
            assertThat(runs).hasSize(1);
            return s.snapshots(runs.get(0).runId()).get(0);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
