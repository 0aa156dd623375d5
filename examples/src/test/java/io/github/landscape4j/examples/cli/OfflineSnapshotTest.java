package io.github.landscape4j.examples.cli;

import io.github.landscape4j.examples.Args;
import io.github.landscape4j.listener.LandscapeListener;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.MeasureDescriptor;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.store.Surface;
import io.github.landscape4j.ui.LandscapeUi;
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

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The offline command on a real recorded run: a 51x51 random and PCA surface of the run's final checkpoint, written
 * as a new run into a real MapDB store, which the page's API then serves.
 */
class OfflineSnapshotTest {

    @Test
    void a51x51SurfaceOfAStoredCheckpointIsWrittenAndServed(@TempDir Path dir) throws Exception {
        Recorded rec = Recorded.in(dir);
        MultiLayerNetwork net = rec.net();
        DataSet all = rec.all();
        Path runs = rec.runs();
        String runId = rec.runId();
        Path probes = rec.probes();
        Path out = dir.resolve("offline.db");

        Set<String> known = Set.of("store", "run", "model", "checkpoint", "data", "probe-size", "grid", "planes",
                "options", "out", "export");
        // Li et al.'s 51x51 resolution on the run's random plane, then the PCA plane of the stored trajectory with
        // every measure on a coarser grid (kept small for the test's time)
        String offlineId = OfflineSnapshot.run(new Args(new String[]{"--store", runs.toString(), "--run", runId,
                "--data", "npy:" + probes, "--grid", "51", "--planes", "random", "--out", out.toString(),
                "--options", "slices=false;hessianIterations=0;hutchinson=0;ascentSteps=0;sharpnessK=0"}, known));
        String pcaId = OfflineSnapshot.run(new Args(new String[]{"--store", runs.toString(), "--run", runId,
                "--data", "npy:" + probes, "--grid", "7", "--planes", "pca", "--out", out.toString(),
                "--options", "hessianIterations=3;hutchinson=2;ascentSteps=4;sharpnessK=4"}, known));

        try (LandscapeStore store = LandscapeStore.openExisting(out)) {
            RunInfo info = store.run(offlineId);
            assertThat(info.tags()).contains("offline");
            Snapshot s = store.snapshots(offlineId).get(0);
            assertThat(s.surfaces()).extracting(Surface::plane).containsExactly("random");
            Surface random = s.surfaces().get(0);
            assertThat(random.xs()).hasSize(51);
            assertThat(random.trainLoss()).hasNumberOfRows(51);
            // the centre of the random plane is the final checkpoint: DL4J's own score of the probe there
            assertThat(random.trainLoss()[25][25]).isCloseTo(net.score(all, false), within(1e-5));

            assertThat(store.run(pcaId).measures()).extracting(MeasureDescriptor::key)
                    .contains("sharpness_eps", "hessian_top");
            Snapshot p = store.snapshots(pcaId).get(0);
            assertThat(p.surfaces()).extracting(Surface::plane).containsExactly("pca");
            assertThat(p.surfaces().get(0).path().length).isGreaterThanOrEqualTo(3); // the stored trajectory
            assertThat(p.measure("hessian_top")).isFinite();
        }
        try (LandscapeStore store = LandscapeStore.openExisting(out);
             LandscapeUi.Handle ui = LandscapeUi.start(0, store.statsStorage())) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                    ui.url() + "/api/runs/" + offlineId + "/snapshots/0")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body().contains("\"plane\":\"random\"")).as("the served snapshot has the random plane")
                    .isTrue();
        }
    }

    @Test
    void badArgumentsAreNamed(@TempDir Path dir) {
        Set<String> known = Set.of("store", "run", "model", "checkpoint", "data", "probe-size", "grid", "planes",
                "options", "out", "export");
        assertThatThrownBy(() -> OfflineSnapshot.run(new Args(new String[]{"--grid", "5"}, known)))
                .hasMessageContaining("--store FILE --run RUN_ID or --model MODEL.zip");
        assertThatThrownBy(() -> OfflineSnapshot.run(new Args(new String[]{"--model", dir.resolve("x.zip").toString(),
                "--data", "npy:" + dir}, known))).hasMessageContaining("x.zip");
        Set<String> withSpark = new java.util.HashSet<>(known);
        withSpark.add("spark");
        assertThatThrownBy(() -> OfflineSnapshot.run(new Args(new String[]{"--model", dir.resolve("x.zip").toString(),
                "--data", "npy:" + dir, "--spark", "local[2]", "--export", dir.resolve("e").toString()}, withSpark)))
                .hasMessageContaining("--spark and --export together");
    }

    /**
     * A recorded run to take offline snapshots of: a small ReLU/softmax MLP trained 3 epochs with the listener
     * (snapshots off, checkpoints every 2 iterations) into {@code DIR/runs.db}, its examples written as the train probe's
     * {@code .npy} files under {@code DIR/probes}.
     */
    record Recorded(MultiLayerNetwork net, DataSet all, Path runs, String runId, Path probes) {
        static Recorded in(Path dir) throws java.io.IOException {
            MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3)
                    .updater(new Sgd(0.2)).list()
                    .layer(new DenseLayer.Builder().nIn(5).nOut(8).activation(Activation.RELU).build())
                    .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(3)
                            .activation(Activation.SOFTMAX).build()).build());
            net.init();
            List<DataSet> data = data(8, 16);
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
            java.nio.file.Files.createDirectories(probes);
            DataSet all = DataSet.merge(data);
            Nd4j.writeAsNumpy(all.getFeatures(), probes.resolve("train_features_0.npy").toFile());
            Nd4j.writeAsNumpy(all.getLabels(), probes.resolve("train_labels_0.npy").toFile());
            return new Recorded(net, all, runs, runId, probes);
        }
    }

    static List<DataSet> data(int batches, int size) {
        Random r = new Random(9);
        List<DataSet> out = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            float[][] x = new float[size][5];
            float[][] y = new float[size][3];
            for (int i = 0; i < size; i++) {
                int c = r.nextInt(3);
                for (int j = 0; j < 5; j++) {
                    x[i][j] = (float) (r.nextGaussian() + (j == c ? 1.5 : 0));
                }
                y[i][c] = 1;
            }
            out.add(new DataSet(Nd4j.create(x), Nd4j.create(y)));
        }
        return out;
    }
}
