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
 * An ε-sharpness whose ascent ran out of evaluations before it converged is a lower bound, and the page says so: in
 * a real headless Chromium, of two full snapshots of one run, the one taken with a single ascent evaluation is a
 * downward triangle (hover: "a lower bound"), the converged one a filled circle, and the panel's caption explains
 * the triangles. Screenshot: {@code target/screenshots/10-unconverged-ascent.png}.
 */
class UnconvergedAscentPageTest {

    @Test
    void anUnconvergedAscentIsDrawnAsALowerBound(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        List<DataSet> data = TestNets.data(8, 16, 20, 3);
        TestNets.train(net, data, 2);
        Probe probe = io.github.landscape4j.surface.internal.Probes.of(DataSet.merge(data), 128, "test");
        Map<String, String> small = Map.of("sharpnessK", "2", "hessianIterations", "3", "hutchinson", "2",
                "grid", "5");
        Snapshot cut = engine(net, small, "1").snapshot(SnapshotRequest.of(probe).at(0, 4, 0, 0));
        TestNets.train(net, data, 1);
        Snapshot whole = engine(net, small, "400").snapshot(SnapshotRequest.of(probe).at(1, 8, 1, 0));
        assertThat(cut.measures().get("sharpness_eps_converged")).isEqualTo(0.0);
        assertThat(whole.measures().get("sharpness_eps_converged")).isEqualTo(1.0);
        assertThat(cut.measures()).containsKey("sharpness_adaptive_converged");

        Path file = dir.resolve("ascent.db");
        String runId = EngineRuns.write(file, "ascent", engine(net, small, "1"), net.numParams(), cut, whole);
        try (LandscapeStore store = LandscapeStore.openExisting(file);
             LandscapeUi.Handle ui = LandscapeUi.start(0, store.statsStorage());
             Browser browser = new Browser(dir.resolve("chromium-profile"))) {
            browser.driver.get(ui.url() + "?run=" + runId);
            String trace = "for (const gd of document.querySelectorAll('#measure-panels .chart')) {"
                    + " for (const t of (gd.data || [])) { if (t.name === 'ε-sharpness') return t; } } return null;";
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(browser.js("const t = (() => {" + trace + "})();"
                        + " return t && t.marker && t.marker.symbol ? t.marker.symbol.join(' ') : '';").toString())
                        .isEqualTo("triangle-down circle");
                assertThat(browser.js("const t = (() => {" + trace + "})(); return t ? t.text[0] : '';").toString())
                        .contains("ascent not converged: a lower bound");
            });
            assertThat(browser.js("return document.getElementById('measure-panels').textContent;").toString())
                    .contains("Downward triangles: the ascent had not converged");
            browser.js("const f = document.querySelector('#measure-panels .chart'); f.scrollIntoView();");
            browser.screenshot("10-unconverged-ascent");
        } finally {
            UIServer.stopInstance();
        }
    }

    private static LandscapeEngine engine(MultiLayerNetwork net, Map<String, String> small, String ascentSteps) {
        Map<String, String> options = new java.util.HashMap<>(small);
        options.put("ascentSteps", ascentSteps);
        return LandscapeEngine.builder(net).config(LandscapeConfig.parse(options).snapshots()).build();
    }
}
