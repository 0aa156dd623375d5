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
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A run's first snapshot, a glance, and its later full one on the page, in a real headless Chromium: the glance says
 * so next to its number, with its grid and probe, and is drawn at its own resolution; the full one says nothing
 * more. Screenshots: {@code target/screenshots/9-glance-snapshot.png}, {@code 9-full-snapshot.png}.
 */
class ReducedSnapshotPageTest {

    @Test
    void aGlanceIsLabelledAndDrawnAtItsResolution(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        List<DataSet> data = TestNets.data(8, 16, 20, 3);
        TestNets.train(net, data, 1);
        Probe probe = io.github.landscape4j.surface.internal.Probes.of(DataSet.merge(data), 128, "test");
        LandscapeEngine engine = LandscapeEngine.builder(net).config(LandscapeConfig.parse(Map.of("sharpnessK", "2",
                "ascentSteps", "2", "hessianIterations", "3", "hutchinson", "2")).snapshots()).build();
        Snapshot quick = engine.snapshot(SnapshotRequest.of(probe).withLevels(1).at(0, 4, 0, 0));
        TestNets.train(net, data, 1);
        Snapshot full = engine.snapshot(SnapshotRequest.of(probe).at(1, 12, 1, 0));
        assertThat(quick.level()).isEqualTo("glance");
        assertThat(full.level()).isEqualTo("full");

        Path file = dir.resolve("levels.db");
        String runId = EngineRuns.write(file, "levels", engine, net.numParams(), quick, full);
        try (LandscapeStore store = LandscapeStore.openExisting(file);
             LandscapeUi.Handle ui = LandscapeUi.start(0, store.statsStorage());
             Browser browser = new Browser(dir.resolve("chromium-profile"))) {
            browser.driver.get(ui.url() + "?run=" + runId);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(browser.dataset("shownSnapshot")).isEqualTo("1");
                assertThat(browser.dataset("shownLevel")).isEqualTo("full");
                assertThat(label(browser)).doesNotContain("glance");
                assertThat(contourColumns(browser)).isEqualTo(21);
            });
            browser.screenshot("9-full-snapshot");
            browser.js("const s = document.getElementById('slider'); s.value = '0';"
                    + " s.dispatchEvent(new Event('input'));");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(browser.dataset("shownSnapshot")).isEqualTo("0");
                assertThat(browser.dataset("shownLevel")).isEqualTo("glance");
                assertThat(label(browser)).contains("snapshot 1 of 2", "glance snapshot (3×3 grid, probe of 32",
                        "the full one did not fit the time budget yet");
                assertThat(contourColumns(browser)).isEqualTo(3);
            });
            // in the measure panels the glance is an open marker, the full snapshot a filled one
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(browser.js(
                    "const gd = document.getElementById('chart-m-loss'); return gd && gd.data && gd.data[0]"
                    + " && gd.data[0].marker && gd.data[0].marker.symbol ? gd.data[0].marker.symbol.join(' ') : '';")
                    .toString()).isEqualTo("circle-open circle"));
            browser.screenshot("9-glance-snapshot");
        } finally {
            UIServer.stopInstance();
        }
    }

    private static String label(Browser browser) {
        return browser.js("return document.getElementById('snapshot-label').textContent;").toString();
    }

    private static long contourColumns(Browser browser) {
        return ((Number) browser.js("const gd = document.getElementById('chart-contour');"
                + " return gd && gd.data && gd.data[0] && gd.data[0].x ? gd.data[0].x.length : 0;")).longValue();
    }
}
