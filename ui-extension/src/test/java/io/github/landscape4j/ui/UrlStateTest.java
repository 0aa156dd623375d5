package io.github.landscape4j.ui;

import io.github.landscape4j.store.LandscapeStore;
import org.deeplearning4j.ui.api.UIServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The view is in the URL, in a real headless Chromium over two real runs: a link with run, snapshot, compared run, x
 * axis, smoothing and compared measure opens exactly that view; changing the view rewrites the link; loading the
 * rewritten link again gives the same view.
 */
class UrlStateTest {

    @Test
    void aLinkReproducesTheView(@TempDir Path dir) throws Exception {
        String a;
        String b;
        try (LandscapeStore store = LandscapeStore.open(dir.resolve("two.db"))) {
            try (TrainingRun ra = new TrainingRun(store, "adam-1e-2", 7, 0.01, 5);
                 TrainingRun rb = new TrainingRun(store, "adam-1e-3", 8, 0.001, 5)) {
                for (int i = 0; i < 3; i++) {
                    ra.train(10);
                    ra.snapshot();
                }
                rb.train(10);
                rb.snapshot();
                a = ra.run().runId();
                b = rb.run().runId();
            }
        }
        try (LandscapeStore store = LandscapeStore.openExisting(dir.resolve("two.db"));
             LandscapeUi.Handle ui = LandscapeUi.start(0, store.statsStorage());
             Browser browser = new Browser(dir.resolve("chromium-profile"))) {
            String measure = "chart-m-hessian_top";
            browser.driver.get(ui.url() + "?run=" + a + "&snapshot=2&compare=" + b + "&x=wall&smoothing=0.3&measure="
                    + measure);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(browser.dataset("shownSnapshot")).isEqualTo("1");
                assertThat(browser.js("return document.getElementById('compare-section').hidden;")).isEqualTo(false);
            });
            assertView(browser, a, 1, b, "wall", "0.30", measure);
            // the compare list never offers the current run nor one compared already
            assertThat(browser.js("return [...document.getElementById('compare').options].map((o) => o.value);"))
                    .isEqualTo(List.of(""));
            @SuppressWarnings("unchecked")
            List<String> labels = (List<String>) browser.js("return [...document.getElementById('run').options]"
                    + ".map((o) => o.text);");
            assertThat(labels).isNotEmpty().allMatch(l -> l.endsWith("snapshots)") || l.endsWith("snapshot)"));
            assertThat(query(browser)).containsEntry("run", a).containsEntry("snapshot", "2")
                    .containsEntry("compare", b).containsEntry("x", "wall").containsEntry("smoothing", "0.3")
                    .containsEntry("measure", measure);

            // changing the view rewrites the link
            new Select(browser.driver.findElement(By.id("x-axis"))).selectByValue("epoch");
            browser.js("const s = document.getElementById('slider'); s.value = '0';"
                    + " s.dispatchEvent(new Event('input'));");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(query(browser)).containsEntry("x", "epoch").containsEntry("snapshot", "1"));
            String link = browser.driver.getCurrentUrl();

            // and the link opens the same view again
            browser.driver.get("about:blank");
            browser.driver.get(link);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(browser.dataset("shownSnapshot")).isEqualTo("0");
                assertThat(browser.js("return document.getElementById('compare-section').hidden;")).isEqualTo(false);
            });
            assertView(browser, a, 0, b, "epoch", "0.30", measure);

            // the newest snapshot is followed again: the snapshot leaves the link; defaults leave it too
            browser.js("const s = document.getElementById('slider'); s.value = s.max;"
                    + " s.dispatchEvent(new Event('input'));");
            new Select(browser.driver.findElement(By.id("x-axis"))).selectByValue("iteration");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(query(browser)).doesNotContainKeys("snapshot", "x").containsEntry("run", a));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(browser.js( // redrawn throughout
                    "return document.getElementById('chart-m-hessian_trace').layout.xaxis.title.text;"))
                    .isEqualTo("iteration"));
            browser.screenshot("url-state");

            // the PCA plane says how much its square stretches PC2, and draws it to scale on request
            double ratio = ((Number) browser.js(
                    "return document.getElementById('chart-pca').layout.yaxis.scaleratio;")).doubleValue();
            String title = (String) browser.js("return document.getElementById('chart-pca').layout.title.text;");
            assertThat(ratio).isNotCloseTo(1.0, org.assertj.core.api.Assertions.within(0.05));
            assertThat(title).contains(ratio >= 1 ? String.format(java.util.Locale.ROOT,
                    "not to scale: PC2 stretched %.1f×", ratio) : "not to scale: PC2 stretched ×");
            browser.driver.findElement(By.id("pca-to-scale")).click();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(((Number) browser.js("return document.getElementById('chart-pca').layout.yaxis.scaleratio;"))
                        .doubleValue()).isEqualTo(1.0);
                assertThat((String) browser.js("return document.getElementById('chart-pca').layout.title.text;"))
                        .endsWith("· to scale");
            });
            browser.screenshot("pca-to-scale");

            // a narrow window: the charts stack, each as wide as the page
            browser.driver.manage().window().setSize(new org.openqa.selenium.Dimension(900, 3000));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(((Number) browser.js(
                    "return document.getElementById('chart-contour').getBoundingClientRect().width;")).doubleValue())
                    .isGreaterThan(0.8 * ((Number) browser.js("return document.documentElement.clientWidth;"))
                            .doubleValue()));
            Thread.sleep(1000); // plotly's resize
            browser.screenshot("layout-900");
        } finally {
            UIServer.stopInstance();
        }
    }

    private static void assertView(Browser browser, String run, int shown, String compare, String x,
                                   String smoothing, String measure) {
        assertThat(browser.js("return document.getElementById('run').value;")).isEqualTo(run);
        assertThat(((Number) browser.js("return window.landscape4j.shown;")).intValue()).isEqualTo(shown);
        assertThat(browser.js("return document.getElementById('slider').value;")).isEqualTo(String.valueOf(shown));
        assertThat(browser.js("return window.landscape4j.compared.join(',');")).isEqualTo(compare);
        assertThat(new Select(browser.driver.findElement(By.id("x-axis"))).getFirstSelectedOption()
                .getDomAttribute("value")).isEqualTo(x);
        assertThat(browser.driver.findElement(By.id("smoothing-value")).getText()).isEqualTo(smoothing);
        assertThat(browser.js("return document.getElementById('compare-measure').value;")).isEqualTo(measure);
    }

    private static Map<String, String> query(Browser browser) {
        String q = URI.create(browser.driver.getCurrentUrl()).getRawQuery();
        return Arrays.stream(q == null ? new String[0] : q.split("&")).map(kv -> kv.split("=", 2))
                .collect(Collectors.toMap(kv -> kv[0], kv -> java.net.URLDecoder.decode(kv.length > 1 ? kv[1] : "",
                        java.nio.charset.StandardCharsets.UTF_8)));
    }
}
