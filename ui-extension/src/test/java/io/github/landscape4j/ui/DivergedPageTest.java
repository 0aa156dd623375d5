package io.github.landscape4j.ui;

import io.github.landscape4j.engine.LandscapeEngine;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.engine.SnapshotRequest;
import io.github.landscape4j.listener.LandscapeConfig;
import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.Snapshot;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.ui.api.UIServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A diverged model on the page, in a real headless Chromium: the engine records the snapshot of a network with NaN
 * parameters as undefined, and the page says "undefined: the model has diverged" where the surfaces would be, never
 * a flat surface.
 */
class DivergedPageTest {

    @Test
    void aDivergedSnapshotIsShownAsUndefined(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        List<DataSet> data = TestNets.data(4, 16, 20, 3);
        TestNets.train(net, data, 1);
        DataSet all = DataSet.merge(data);
        Probe probe = new Probe(new INDArray[]{all.getFeatures()}, new INDArray[]{all.getLabels()}, "test");
        LandscapeEngine engine = LandscapeEngine.builder(net).config(LandscapeConfig.parse(Map.of("grid", "5",
                "planes", "random", "hessianIterations", "2", "hutchinson", "1", "ascentSteps", "2",
                "sharpnessK", "2")).snapshots()).build();
        Snapshot fine = engine.snapshot(SnapshotRequest.of(probe).at(0, 4, 0, 0));
        INDArray nan = net.params().dup();
        nan.putScalar(0, Double.NaN);
        Snapshot diverged = engine.snapshot(SnapshotRequest.of(probe).withParams(nan).at(1, 8, 0, 0));
        assertThat(diverged.measure("diverged")).isEqualTo(1.0);
        assertThat(diverged.surfaces()).isEmpty();

        Path file = dir.resolve("diverged.db");
        String runId = EngineRuns.write(file, "diverged", engine, net.numParams(), fine, diverged);
        try (LandscapeStore store = LandscapeStore.openExisting(file);
             LandscapeUi.Handle ui = LandscapeUi.start(0, store.statsStorage());
             Browser browser = new Browser(dir.resolve("chromium-profile"))) {
            browser.driver.get(ui.url() + "?run=" + runId);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(browser.dataset("shownSnapshot")).isEqualTo("1");
                assertThat(browser.dataset("diverged")).isEqualTo("true");
                assertThat(browser.js("return document.getElementById('snapshot-label').textContent;").toString())
                        .contains("undefined: the model has diverged");
                assertThat(browser.js("return document.getElementById('chart-contour').textContent;").toString())
                        .contains("undefined: the model has diverged");
                // a classifier's run has no regression errors: their panel is hidden, not drawn empty
                List<String> hidden = List.of(browser.js("return [...document.querySelectorAll('figure[data-panel]')]"
                        + ".filter(f => f.hidden).map(f => f.dataset.panel).join(' ');").toString().split(" "));
                assertThat(hidden).contains("chart-m-regression", "chart-m-gap_loss").doesNotContain("chart-m-loss");
            });
            // the measure panels keep the first snapshot's values: the diverged one leaves a gap, not a zero
            // (λ_max and λ₂ of the first snapshot's 2-step Lanczos run)
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(browser.points("chart-m-hessian_top")).isEqualTo(2));
            assertThat(browser.js("return document.getElementById('chart-spectrum').textContent;").toString())
                    .contains("undefined: the model has diverged");
            browser.screenshot("8-diverged");
        } finally {
            UIServer.stopInstance();
        }
    }
}
