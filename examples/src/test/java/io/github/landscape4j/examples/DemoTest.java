package io.github.landscape4j.examples;

import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.store.Surface;
import org.deeplearning4j.ui.api.UIServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's demo, run for real on Debian's Fashion-MNIST, writing a real store. */
class DemoTest {

    @TempDir
    Path dir;

    @Test
    void fashionMnistLoadsFromTheDebianIdxFiles() throws Exception {
        List<DataSet> batches = FashionMnist.train(300, 128);
        assertThat(batches).hasSize(3);
        assertThat(batches.get(0).getFeatures().shape()).containsExactly(128, 784);
        assertThat(batches.get(2).getFeatures().shape()).containsExactly(44, 784);
        assertThat(batches.get(0).getLabels().sum(1).toDoubleVector()).containsOnly(1.0);
        assertThat(batches.get(0).getFeatures().maxNumber().doubleValue()).isLessThanOrEqualTo(1.0);
    }

    @Test
    void demoTrainsAndReportsTheStore() throws Exception {
        Path store = dir.resolve("demo.db");
        PrintStream old = System.out;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            // no snapshot before the end (every:1000), then the final one when the listener closes; 60 iterations give
            // two checkpoints (initial, 50), enough for the PCA plane
            Demo.main(new String[]{"--store", store.toString(), "--max-iterations", "60", "--port", "0",
                    "--serve", "false", "--snapshot", "every:1000"});
        } finally {
            System.setOut(old);
            UIServer.stopInstance();
        }
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains("store: " + store.toAbsolutePath()).contains("60 iterations recorded")
                .contains("landscape4j: live page at http://127.0.0.1:");
        assertThat(printed).containsPattern("training took [0-9.]+ s with 1 snapshots \\(snapshot=every:1000\\);"
                + " snapshots took [0-9.]+ s, [0-9]+% of it");
        try (LandscapeStore s = LandscapeStore.openExisting(store)) {
            RunInfo run = s.listRuns().get(0);
            // DL4J's StatsListener wrote its own session into the same store, for DL4J's pages
            assertThat(s.statsStorage().listSessionIDs()).hasSizeGreaterThan(1);
            assertThat(run.numParams()).isEqualTo(79_510);
            assertThat(s.scalars(run.runId()).size()).isEqualTo(60);
            Snapshot last = s.snapshots(run.runId()).get(0);
            assertThat(last.iteration()).isEqualTo(59);
            assertThat(last.surfaces()).extracting(Surface::plane).containsExactly("random", "pca");
            assertThat(last.measure("val_loss")).as("the test set is the validation probe").isFinite();
            assertThat(last.measure("hessian_top")).isFinite();
        }
    }
}
