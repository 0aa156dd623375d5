package io.github.landscape4j.ui;

import io.github.landscape4j.engine.LandscapeEngine;
import io.github.landscape4j.engine.Probe;
import io.github.landscape4j.engine.SnapshotRequest;
import io.github.landscape4j.listener.LandscapeConfig;
import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.RunWriter;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.surface.internal.Probes;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.ui.api.UIServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;
import org.openqa.selenium.By;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An offline snapshot (what {@code examples/landscape.sh} writes: a run tagged {@code offline} whose options name its
 * source, {@code STORE#RUN@CHECKPOINT}) on the page, in a real headless Chromium: the status line says what it is
 * instead of "started · no scalars committed yet", and the run picker lists it right under its source run.
 */
class OfflineRunPageTest {

    @Test
    void anOfflineSnapshotIsLabelledAndListedBesideItsSource(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("runs.db");
        String source;
        String other;
        try (LandscapeStore store = LandscapeStore.open(file)) {
            try (TrainingRun a = new TrainingRun(store, "adam-1e-2", 7, 0.01, 5);
                 TrainingRun b = new TrainingRun(store, "adam-1e-3", 8, 0.001, 5)) {
                a.train(10);
                a.snapshot();
                b.train(10);
                b.snapshot();
                source = a.run().runId();
                other = b.run().runId();
            }
        }
        // the offline run, written last, as landscape.sh writes it: one snapshot at the source's checkpoint
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        Probe probe = Probes.of(DataSet.merge(TestNets.data(2, 16, 20, 3)), 32, "probe");
        LandscapeEngine engine = LandscapeEngine.builder(net).config(LandscapeConfig.parse(Map.of("grid", "5",
                "planes", "random", "sharpnessK", "2", "ascentSteps", "0", "hessianIterations", "0", "hutchinson",
                "0")).snapshots()).build();
        Snapshot s = engine.snapshot(SnapshotRequest.of(probe).at(0, 937, 3, 0));
        String offline = "adam-1e-2-offline-1";
        try (LandscapeStore store = LandscapeStore.open(file);
             RunWriter w = RunWriter.begin(store, new RunInfo(offline, "offline", "adam-1e-2-offline",
                     List.of("offline"), 42, Instant.now(), engine.modelClass(), engine.modelConfigJson(),
                     net.numParams(), engine.tensors(), Map.of("source", file + "#" + source + "@final"), Map.of(), 0,
                     engine.measures()))) {
            w.checkpoint(937, 3, Checkpoint.Kind.FINAL, net.params());
            w.snapshot(s);
        }

        try (LandscapeStore store = LandscapeStore.openExisting(file);
             LandscapeUi.Handle ui = LandscapeUi.start(0, store.statsStorage());
             Browser browser = new Browser(dir.resolve("chromium-profile"))) {
            browser.driver.get(ui.url() + "?run=" + offline);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(browser.dataset("shownSnapshot")).isEqualTo("0");
                assertThat(browser.dataset("status")).isEqualTo("offline");
            });
            String status = browser.driver.findElement(By.id("status")).getText();
            assertThat(status).contains("offline snapshot of run " + source, "final checkpoint", "runs.db")
                    .doesNotContain("no scalars committed");
            // read in one script: the page refills its pickers as counts change
            @SuppressWarnings("unchecked")
            List<List<String>> options = (List<List<String>>) browser.js("return [...document.getElementById('run')"
                    + ".options].map((o) => [o.value, o.text]);");
            assertThat(options).extracting(o -> o.get(0)).containsExactly(source, offline, other);
            assertThat(options.get(1).get(1)).contains("offline snapshot of " + source + " (final)");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(browser.js(
                    "return document.getElementById('chart-score').textContent;").toString())
                    .contains("an offline snapshot has no training series"));
            browser.screenshot("offline-run");
        } finally {
            UIServer.stopInstance();
        }
    }
}
