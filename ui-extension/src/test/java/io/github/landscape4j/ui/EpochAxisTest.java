package io.github.landscape4j.ui;

import io.github.landscape4j.listener.LandscapeListener;
import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.store.LandscapeStore;
import org.deeplearning4j.datasets.iterator.utilty.ListDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.ui.api.UIServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.Select;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * The epoch axis in a real headless Chromium, on a real run of 3 epochs of 5 minibatches (DL4J's own epoch counter,
 * {@code fit(iterator, 3)}): every row sits at its fraction of its epoch (iteration 7 at epoch 1.4), not on the whole
 * epoch as before (the charts collapsed into three vertical smears), and the snapshots' measures sit where their
 * iterations are; hovering one chart shows the others' values at the same x. Screenshot: {@code target/screenshots/epoch-axis.png}.
 */
class EpochAxisTest {

    @Test
    void rowsAndSnapshotsSitAtTheirFractionOfTheEpoch(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("epochs.db");
        List<DataSet> batches = TestNets.data(5, 16, 20, 4);
        String runId;
        try (LandscapeStore store = LandscapeStore.open(file)) {
            MultiLayerNetwork net = TestNets.mlpSgd(0.1);
            LandscapeListener listener = LandscapeListener.builder().store(store).every(1).commitEvery(1)
                    .snapshot("every:7").grid(5).slices(false).sharpnessK(2).ascentSteps(2).hessianIterations(2)
                    .hutchinson(1).perTensorMeasures(false).build();
            net.setListeners(listener);
            net.fit(new ListDataSetIterator<>(batches, 1), 3);
            listener.close();
            runId = listener.runs().get(0).runId();
        }
        try (LandscapeStore store = LandscapeStore.openExisting(file);
             LandscapeUi.Handle ui = LandscapeUi.start(0, store.statsStorage());
             Browser browser = new Browser(dir.resolve("chromium-profile"))) {
            browser.driver.get(ui.url() + "?run=" + runId);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(browser.points("chart-score")).isGreaterThanOrEqualTo(15));
            new Select(browser.driver.findElement(By.id("x-axis"))).selectByValue("epoch");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(browser.js(
                    "return document.getElementById('chart-score').layout.xaxis.title.text").toString())
                    .startsWith("epoch"));
            @SuppressWarnings("unchecked")
            List<Number> x = (List<Number>) browser.js("return document.getElementById('chart-score').data[0].x;");
            assertThat(x).hasSize(15);
            for (int it = 0; it < 15; it++) { // iteration it: epoch it / 5, (it % 5) / 5 into it
                assertThat(x.get(it).doubleValue()).as("iteration %d", it).isCloseTo(it / 5 + (it % 5) / 5.0,
                        within(1e-9));
            }
            String panel = (String) browser.js("const p = [...document.querySelectorAll('[id^=chart-m-]')]"
                    + ".find((e) => e.data && e.data.length && e.data[0].x && e.data[0].x.length >= 2);"
                    + " return p ? p.id : null;");
            assertThat(panel).as("a measure panel with the snapshots").isNotNull();
            @SuppressWarnings("unchecked")
            List<Number> mx = (List<Number>) browser.js("return document.getElementById(arguments[0]).data[0].x;",
                    panel);
            assertThat(mx.get(0).doubleValue()).as("the snapshot at iteration 7").isCloseTo(1.4, within(1e-9));
            // hover one series chart: the others show their values at the same x
            // a real mouse over the score chart at x = 1.4 (Plotly sends hover events for the mouse only)
            browser.js("document.getElementById('chart-score').scrollIntoView();");
            WebElement drag = browser.driver.findElement(By.cssSelector("#chart-score .nsewdrag"));
            double px = ((Number) browser.js("return document.getElementById('chart-score')._fullLayout.xaxis"
                    + ".l2p(1.4);")).doubleValue();
            new Actions(browser.driver).moveToElement(drag, (int) Math.round(px - drag.getSize().getWidth() / 2.0), 0)
                    .perform();
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                for (String other : List.of("chart-gradnorm", "chart-norms", panel)) {
                    Number at = (Number) browser.js("const g = document.getElementById(arguments[0]);"
                            + " return g._hoverdata && g._hoverdata.length ? g._hoverdata[0].x : null;", other);
                    assertThat(at).as("hover on %s", other).isNotNull();
                    assertThat(at.doubleValue()).isCloseTo(1.4, within(1e-9));
                }
            });
            browser.screenshot("epoch-axis");
        } finally {
            UIServer.stopInstance();
        }
    }
}
