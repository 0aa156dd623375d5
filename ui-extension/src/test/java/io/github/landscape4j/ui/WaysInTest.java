package io.github.landscape4j.ui;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.github.landscape4j.listener.LandscapeListener;
import io.github.landscape4j.store.StoreException;
import org.deeplearning4j.core.storage.impl.RemoteUIStatsStorageRouter;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.ui.VertxUIServer;
import org.deeplearning4j.ui.api.UIServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The three ways in: the listener's {@code ui} option, the offline launcher, and DL4J's remote router. */
class WaysInTest {
    @TempDir
    Path dir;

    @AfterEach
    void stopServer() throws Exception {
        UIServer.stopInstance();
    }

    static List<String> runIds() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + VertxUIServer.getInstance().getPort() + "/landscape/api/runs")).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonArray runs = JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonArray("runs");
        return StreamSupport.stream(runs.spliterator(), false)
                .map(JsonElement::getAsJsonObject).map(o -> o.get("runId").getAsString()).toList();
    }

    static MultiLayerNetwork tinyNet() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).list()
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(2)
                        .activation(Activation.SOFTMAX).build()).build());
        net.init();
        return net;
    }

    static DataSet data() {
        return new DataSet(Nd4j.linspace(-1, 1, 32).reshape(8, 4), Nd4j.eye(2).repeat(0, 4).reshape(8, 2));
    }

    @Test
    void theListenersUiOptionServesTheRunWhileItTrainsAndAfter() throws Exception {
        MultiLayerNetwork net = tinyNet();
        String runId;
        try (LandscapeListener listener = LandscapeListener.builder().store(dir.resolve("live.db")).ui(0)
                .commitEvery(1).build()) {
            net.setListeners(listener);
            net.fit(data());
            runId = listener.runs().get(0).runId();
            await().atMost(Duration.ofSeconds(10)).until(() -> runIds().contains(runId));
        }
        // training ended: the page keeps showing the finished run until the program exits (it said "no run" and
        // then "server not reachable" before)
        assertThat(runIds()).as("the finished run stays on the page").containsExactly(runId);
    }

    @Test
    void theLauncherServesSeveralStoresAndNamesABadOne() throws Exception {
        List<String> expected = new java.util.ArrayList<>();
        for (String name : List.of("a", "b")) {
            try (LandscapeListener l = LandscapeListener.builder().store(dir.resolve(name + ".db")).runName(name)
                    .build()) {
                MultiLayerNetwork net = tinyNet();
                net.setListeners(l);
                net.fit(data());
                expected.add(l.runs().get(0).runId());
            }
        }
        List<LandscapeUi.Handle> handles = LandscapeUiMain.run(new String[]{"--store", dir.resolve("a.db").toString(),
                "--store", dir.resolve("b.db").toString(), "--port", "0"});
        assertThat(runIds()).containsExactlyInAnyOrderElementsOf(expected);
        handles.forEach(LandscapeUi.Handle::close);

        assertThatThrownBy(() -> LandscapeUiMain.run(new String[]{"--store", dir.resolve("missing.db").toString()}))
                .isInstanceOf(StoreException.class).hasMessageContaining(dir.resolve("missing.db").toString())
                .hasMessageContaining("does not exist");
        Path garbage = Files.writeString(dir.resolve("garbage.db"), "not a store at all");
        assertThatThrownBy(() -> LandscapeUiMain.run(new String[]{"--store", garbage.toString()}))
                .isInstanceOf(StoreException.class).hasMessageContaining(garbage.toString());
        assertThatThrownBy(() -> LandscapeUiMain.run(new String[]{"--port", "99999", "--store", "x"}))
                .hasMessageContaining("--port 99999: must be 0 (any free port) or 1..65535");
    }

    @Test
    void remoteTrainingPostsThroughDl4jsRouterAndShowsLive() throws Exception {
        List<LandscapeUi.Handle> handles = LandscapeUiMain.run(new String[]{"--remote", "true", "--port", "0"});
        String server = "http://127.0.0.1:" + handles.get(0).port();
        MultiLayerNetwork net = tinyNet();
        try (LandscapeListener listener = LandscapeListener.builder()
                .router(new RemoteUIStatsStorageRouter(server)).commitEvery(1).build()) {
            net.setListeners(listener);
            net.fit(data());
            net.fit(data());
            String runId = listener.runs().get(0).runId();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(runIds()).contains(runId);
                HttpResponse<String> scalars = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        server + "/landscape/api/runs/" + runId + "/scalars")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(JsonParser.parseString(scalars.body()).getAsJsonObject().getAsJsonArray("iteration"))
                        .hasSize(2);
            });
        }
    }
}
