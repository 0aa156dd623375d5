package io.github.landscape4j.ui;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.landscape4j.engine.SnapshotConfig;
import io.github.landscape4j.listener.TestNets;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.StudyRecord;
import io.github.landscape4j.study.Optimizer;
import io.github.landscape4j.study.RunSettings;
import io.github.landscape4j.study.Study;
import io.github.landscape4j.study.StudyAnalysis;
import io.github.landscape4j.study.StudyAnswer;
import io.github.landscape4j.study.StudyPlan;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.ui.api.UIServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Study view in a real headless Chromium on a real UI server, over a store holding a real (tiny) study: the
 * runs table, the scatter of a measure against the gap with τ, ρ and p printed on it, colouring by a setting, and
 * the API behind it. Screenshot: {@code target/screenshots/study-*.png}.
 */
class StudyPageTest {
    @TempDir
    static Path dir;
    static LandscapeStore store;
    static StudyRecord study;
    static LandscapeUi.Handle ui;

    static MultiLayerNetwork mlp(RunSettings s) {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(s.seed())
                .updater(s.optimizer().updater(s.learningRate())).weightInit(WeightInit.XAVIER).list()
                .layer(new DenseLayer.Builder().nIn(20).nOut(12).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(12).nOut(3)
                        .activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        return net;
    }

    @BeforeAll
    static void start() {
        store = LandscapeStore.open(dir.resolve("study.db"));
        SnapshotConfig d = Study.defaultSnapshots();
        SnapshotConfig light = new SnapshotConfig(d.grid(), d.range(), d.normalization(), d.biasBn(), d.planes(),
                false, d.epsilon(), 4, 3, 4, 2, false, d.sharpnessBoxAll(), d.curvatureAll(), d.pcaCentred());
        study = Study.builder("tiny").store(store).model(StudyPageTest::mlp)
                .data(DataSet.merge(TestNets.data(4, 32, 20, 1)), DataSet.merge(TestNets.data(2, 32, 20, 2)))
                .plan(StudyPlan.builder().seeds(1, 2).batchSizes(8, 64).optimizers(Optimizer.SGD_MOMENTUM)
                        .learningRates(0.05).grid())
                .probeSize(48).snapshots(light).analysis(new StudyAnalysis(200, 100, 7)).build().run();
        ui = LandscapeUi.start(0, store.statsStorage());
    }

    @AfterAll
    static void stop() throws Exception {
        ui.close();
        UIServer.stopInstance();
        store.close();
    }

    static HttpResponse<String> get(String path) throws Exception {
        String base = ui.url().replace("/landscape", "");
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theApiListsTheStudyAndServesItsRecord() throws Exception {
        HttpResponse<String> list = get("/landscape/api/studies");
        assertThat(list.statusCode()).isEqualTo(200);
        JsonObject first = JsonParser.parseString(list.body()).getAsJsonObject().getAsJsonArray("studies").get(0)
                .getAsJsonObject();
        assertThat(first.get("name").getAsString()).isEqualTo("tiny");
        assertThat(first.get("runs").getAsInt()).isEqualTo(4);
        HttpResponse<String> one = get("/landscape/api/studies/tiny");
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(JsonParser.parseString(one.body()).getAsJsonObject().getAsJsonObject("study")
                .getAsJsonArray("runs")).hasSize(4);
        HttpResponse<String> missing = get("/landscape/api/studies/nope");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).contains("no study 'nope'", "tiny");
    }

    @Test
    void theStudyViewShowsRunsScatterAndCorrelations() {
        try (Browser browser = new Browser(dir.resolve("chromium-profile"))) {
            browser.driver.get(ui.url() + "/study?study=tiny&measure=sharpness_eps");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(browser.dataset("runs")).isEqualTo("4");
                assertThat(browser.points("chart-scatter")).isEqualTo(4);
            });
            StudyRecord.Correlation c = study.correlations().stream()
                    .filter(x -> x.measure().equals("sharpness_eps") && x.gap().equals("gap")).findFirst()
                    .orElseThrow();
            String annotation = (String) browser.js(
                    "return document.getElementById('chart-scatter').dataset.annotation;");
            assertThat(annotation).contains(String.format(Locale.ROOT, "τ = %.2f", c.tau()),
                    String.format(Locale.ROOT, "ρ = %.2f", c.rho()), "n = 4", "granulated τ");
            // coloured by the first varying setting (seed: 2 values), then by batch size
            assertThat(browser.traces("chart-scatter")).isEqualTo(2);
            new Select(browser.driver.findElement(By.id("colour"))).selectByValue("batch");
            assertThat(browser.traces("chart-scatter")).isEqualTo(2);
            assertThat(browser.js("return document.getElementById('chart-scatter').data[0].name;"))
                    .isEqualTo("batch 8");
            assertThat(browser.driver.findElements(By.cssSelector("#runs tr"))).hasSize(5);
            assertThat(browser.driver.findElement(By.id("correlations")).getText()).contains("ε-sharpness",
                    "hessian_top");
            new Select(browser.driver.findElement(By.id("gap"))).selectByValue("accuracy_gap");
            assertThat(browser.driver.findElement(By.id("gap-name")).getText()).isEqualTo("accuracy gap");
            browser.screenshot("study-view");
            // from the main page, a link leads here
            browser.driver.get(ui.url());
            assertThat(browser.driver.findElement(By.linkText("Studies")).getDomAttribute("href"))
                    .endsWith("/landscape/study");
        }
    }

    @Test
    void theStudyViewOpensOnItsAnswer() {
        StudyAnswer answer = StudyAnswer.of(study);
        try (Browser browser = new Browser(dir.resolve("chromium-profile-answer"))) {
            browser.driver.get(ui.url() + "/study?study=tiny");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(browser.dataset("runs")).isEqualTo("4");
                assertThat(browser.points("chart-scatter")).isEqualTo(4);
            });
            // a verdict per flatness measure and gap, corrected, and the warning about 4 runs
            List<WebElement> verdicts = browser.driver.findElements(By.cssSelector("#verdicts li"));
            assertThat(verdicts).hasSize(answer.verdicts().size()).isNotEmpty();
            assertThat(verdicts.get(0).getText()).contains(answer.verdicts().get(0).label(), "Holm p =", "n = 4");
            assertThat(browser.driver.findElement(By.id("correction")).getText()).contains("Holm's method");
            assertThat(browser.driver.findElement(By.id("warnings")).getText()).contains("only 4 runs");
            // it opens on the measure the answer leads with, not on the train loss
            String lead = answer.verdicts().stream().filter(v -> v.gap().equals("gap")).findFirst().orElseThrow()
                    .measure();
            assertThat(new Select(browser.driver.findElement(By.id("measure"))).getFirstSelectedOption()
                    .getDomAttribute("value")).isEqualTo(lead);
            // the table: a Holm column, no row for a measure this model has no values of
            String table = browser.driver.findElement(By.id("correlations")).getText();
            assertThat(table).contains("Holm p(τ)");
            study.correlations().stream().filter(c -> c.n() == 0)
                    .forEach(c -> assertThat(table).doesNotContain("(" + c.measure() + ")"));
            assertThat(study.correlations()).anyMatch(c -> c.n() == 0);
            // error bars: ±2 standard errors of the loss gap, as on the Runs page
            Number bar = (Number) browser.js("return document.getElementById('chart-scatter').data[0]"
                    + ".error_y.array[0];");
            String firstKey = (String) browser.js("return document.getElementById('chart-scatter').data[0].text[0];");
            double se = study.runs().stream().filter(r -> r.key().equals(firstKey)).findFirst().orElseThrow()
                    .measure("gap_se");
            assertThat(bar.doubleValue()).isCloseTo(2 * se, org.assertj.core.api.Assertions.within(1e-12));
            browser.screenshot("study-answer");
        }
    }
}
