package io.github.landscape4j.ui;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.landscape4j.store.LandscapeStore;
import org.deeplearning4j.ui.api.UIServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The JSON API on a real DL4J UI server over a real store written by real training. */
class ApiTest {
    @TempDir
    static Path dir;
    static LandscapeStore store;
    static TrainingRun training;
    static LandscapeUi.Handle ui;
    static String runId;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        store = LandscapeStore.open(dir.resolve("api.db"));
        training = new TrainingRun(store, "api", 7, 0.01);
        training.train(30);
        training.snapshot();
        training.train(10);
        training.snapshot();
        runId = training.run().runId();
        ui = LandscapeUi.start(0, store.statsStorage());
    }

    @AfterAll
    static void stop() throws Exception {
        ui.close();
        UIServer.stopInstance();
        training.close();
        store.close();
    }

    static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ui.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static JsonObject json(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("application/json"));
        return JsonParser.parseString(r.body()).getAsJsonObject();
    }

    static void assertError(String path, int status, String... messageParts) throws Exception {
        HttpResponse<String> r = get(path);
        assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(status);
        JsonObject o = JsonParser.parseString(r.body()).getAsJsonObject();
        assertThat(o.get("error").getAsInt()).isEqualTo(status);
        assertThat(o.get("message").getAsString()).contains(messageParts);
    }

    @Test
    void runsAreListedWithTheirCounts() throws Exception {
        JsonArray runs = json("/landscape/api/runs").getAsJsonArray("runs");
        assertThat(runs).hasSize(1);
        JsonObject run = runs.get(0).getAsJsonObject();
        assertThat(run.get("runId").getAsString()).isEqualTo(runId);
        assertThat(run.get("snapshots").getAsInt()).isEqualTo(2);
        assertThat(run.get("scalarRecords").getAsInt()).isPositive();
        assertThat(run.get("store").getAsString()).contains("api.db");
        JsonObject detail = json("/landscape/api/runs/" + runId);
        assertThat(detail.get("numParams").getAsLong()).isEqualTo(10 * 24 + 24 + 24 * 3 + 3);
        assertThat(detail.getAsJsonObject("listenerConfig").get("checkpointEvery").getAsString()).isEqualTo("10");
    }

    @Test
    void scalarsAndMeasuresAsJsonAndCsv() throws Exception {
        JsonObject s = json("/landscape/api/runs/" + runId + "/scalars");
        assertThat(s.getAsJsonArray("iteration")).hasSize(41);
        HttpResponse<String> csv = get("/landscape/api/runs/" + runId + "/scalars?format=csv");
        assertThat(csv.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v)
                .startsWith("text/csv"));
        assertThat(csv.body().lines()).hasSize(42).first().asString()
                .startsWith("iteration,epoch,wallMillis,score,learningRate,gradientNorm,updateNorm,weightNorm,"
                        + "gradientNorm:0_W");
        JsonObject m = json("/landscape/api/runs/" + runId + "/measures");
        assertThat(m.getAsJsonArray("iteration")).hasSize(2);
        assertThat(m.getAsJsonObject("measures").getAsJsonArray("train_loss").get(1).getAsDouble()).isPositive();
        assertThat(get("/landscape/api/runs/" + runId + "/measures?format=csv").body().lines()).hasSize(3);
    }

    @Test
    void snapshotsSurfacesAndSlicesExport() throws Exception {
        JsonObject snap = json("/landscape/api/runs/" + runId + "/snapshots/1");
        assertThat(snap.get("index").getAsInt()).isEqualTo(1);
        assertThat(snap.getAsJsonArray("surfaces")).hasSize(2);
        String base = "/landscape/api/runs/" + runId + "/snapshots/1/surfaces/0";
        assertThat(json(base).getAsJsonArray("trainLoss")).hasSize(11);
        HttpResponse<byte[]> vtk = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ui.port()
                + base + "?format=vtk")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(vtk.statusCode()).isEqualTo(200);
        assertThat(vtk.headers().firstValue("content-disposition")).hasValueSatisfying(v -> assertThat(v)
                .contains(".vtk"));
        String header = new String(vtk.body(), 0, 400, StandardCharsets.ISO_8859_1);
        assertThat(header).startsWith("# vtk DataFile Version 3.0\n").contains("\nBINARY\n",
                "DATASET STRUCTURED_POINTS", "DIMENSIONS 11 11 1", "POINT_DATA 121",
                "SCALARS train_loss double 1\nLOOKUP_TABLE default\n");
        int data = header.indexOf("LOOKUP_TABLE default\n") + "LOOKUP_TABLE default\n".length();
        java.nio.ByteBuffer values = java.nio.ByteBuffer.wrap(vtk.body(), data, 121 * 8); // big-endian doubles
        JsonArray firstRow = json(base).getAsJsonArray("trainLoss").get(0).getAsJsonArray();
        assertThat(values.getDouble()).isEqualTo(firstRow.get(0).getAsDouble());
        assertThat(values.getDouble()).isEqualTo(firstRow.get(1).getAsDouble());
        assertThat(new String(vtk.body(), StandardCharsets.ISO_8859_1)).contains("SCALARS val_accuracy double 1");
        assertThat(get(base + "?format=csv").body().lines()).hasSize(122);
        JsonObject pca = json("/landscape/api/runs/" + runId + "/snapshots/1/surfaces/1");
        assertThat(pca.get("plane").getAsString()).isEqualTo("pca");
        assertThat(pca.getAsJsonArray("axisLabels").get(0).getAsString()).startsWith("PC1 (");
        assertThat(get("/landscape/api/runs/" + runId + "/snapshots/1/slices/0?format=csv").body().lines())
                .hasSize(12);
    }

    @Test
    void unknownRunsAndSnapshotsAre404WithAMessage() throws Exception {
        assertError("/landscape/api/runs/nope", 404, "no run 'nope'", runId);
        assertError("/landscape/api/runs/nope/scalars", 404, "no run 'nope'");
        assertError("/landscape/api/runs/" + runId + "/snapshots/7", 404, "has 2 snapshots (indices 0..1)",
                "no snapshot 7");
        assertError("/landscape/api/runs/" + runId + "/snapshots/0/surfaces/5", 404, "no surface 5");
        assertError("/landscape/api/runs/" + runId + "/snapshots/0/slices/9", 404, "no slice 9");
        assertError("/landscape/api/files", 404, "no API route /landscape/api/files");
    }

    @Test
    void malformedParametersAre400() throws Exception {
        assertError("/landscape/api/runs/" + runId + "/snapshots/abc", 400, "index=abc is not an index");
        assertError("/landscape/api/runs/" + runId + "/snapshots/-1", 400, "index=-1");
        assertError("/landscape/api/runs/" + runId + "/snapshots/01", 400, "index=01");
        assertError("/landscape/api/runs/" + runId + "/snapshots/99999999999", 400, "is not an index");
        assertError("/landscape/api/runs/" + runId + "/scalars?format=xml", 400, "format=xml is not offered here",
                "json, csv");
        assertError("/landscape/api/runs/" + runId + "/snapshots/0?format=vtk", 400, "allowed: json");
        assertError("/landscape/api/runs?path=/etc/passwd", 400, "unknown parameter 'path'");
        assertError("/landscape/api/runs/" + runId + "/scalars?format=csv&format=json", 400, "given 2 times");
        assertError("/landscape/api/runs/..%2F..%2Fetc%2Fpasswd", 400, "is not allowed");
        assertError("/landscape/api/runs/a%20b", 400, "run=a b is not a run id");
    }

    @Test
    void everyErrorUnderTheApiIsTheApisJson() throws Exception {
        String[][] cases = {
                {"/landscape/api", "404", "no API route /landscape/api"},
                {"/landscape/api/runs?format=%ZZ", "400", "percent-encoding"},
                {"/landscape/api/runs/" + runId + "/scalars?format=%", "400", "percent-encoding"},
                {"/landscape/api/runs/%ZZ", "400", ""},
                {"/landscape/api/runs/" + runId + "/snapshots/%E0%A4%A", "400", ""},
                {"/landscape/api/runs/" + "x".repeat(9000), "414", "URI of 9020 characters"},
                {"/landscape/api/runs?format=" + "j".repeat(20000), "414", "longer than the 8192"},
        };
        for (String[] c : cases) {
            String[] answer = raw(c[0]);
            assertThat(answer[0]).as(c[0] + ": " + answer[1]).startsWith("HTTP/1.1 " + c[1]);
            JsonObject o = JsonParser.parseString(answer[1]).getAsJsonObject();
            assertThat(o.get("error").getAsInt()).as(c[0]).isEqualTo(Integer.parseInt(c[1]));
            assertThat(o.get("message").getAsString()).as(c[0]).contains(c[2]);
        }
    }

    /**
     * Fuzz of the API's path and query parameters: run ids, snapshot, surface and slice indices, formats and query
     * strings that are negative, huge, empty, non-ASCII, badly escaped or repeated, on every route. Every answer is
     * a 2xx or a 4xx; every 4xx is the API's JSON naming a status; none takes a second.
     */
    @Test
    void fuzzedParametersGetA2xxOr4xxJsonAnswerWithinASecond() throws Exception {
        String[] ids = {runId, "", "-1", "0", "1", "01", "99999999999", "1e3", "NaN", "null", "%00", "%ZZ", "%",
                "%C3%BC", "%F0%9F%98%80", "x".repeat(300), "a%20b", "%2e%2e", "..", ";", "%3F"};
        String[] queries = {"", "?", "?format=json", "?format=csv", "?format=zip", "?format=", "?format=%ZZ",
                "?format=json&format=csv", "?x=1", "?=", "?&&&", "?format=%C3%BC", "?format=" + "j".repeat(500),
                "?format=json#frag"};
        List<String> paths = new java.util.ArrayList<>();
        for (String id : ids) {
            paths.add("/landscape/api/runs/" + id);
            paths.add("/landscape/api/runs/" + id + "/scalars");
            paths.add("/landscape/api/runs/" + id + "/measures");
            paths.add("/landscape/api/runs/" + id + "/archive");
            paths.add("/landscape/api/studies/" + id);
            paths.add("/landscape/api/runs/" + runId + "/snapshots/" + id);
            paths.add("/landscape/api/runs/" + runId + "/snapshots/0/surfaces/" + id);
            paths.add("/landscape/api/runs/" + runId + "/snapshots/1/slices/" + id);
        }
        paths.add("/landscape/api/runs");
        paths.add("/landscape/api/studies");
        int answered = 0;
        for (String path : paths) {
            for (String q : queries) {
                long start = System.nanoTime();
                String[] answer = raw(path + q);
                double seconds = (System.nanoTime() - start) / 1e9;
                String what = path + q + " -> " + answer[0];
                assertThat(seconds).as(what).isLessThan(1.0);
                assertThat(answer[0]).as(what).matches("HTTP/1\\.1 [24]\\d\\d .*");
                if (answer[0].startsWith("HTTP/1.1 4")) {
                    JsonObject o = JsonParser.parseString(answer[1]).getAsJsonObject();
                    assertThat(o.get("error").getAsInt()).as(what).isEqualTo(Integer.parseInt(answer[0].substring(9, 12)));
                    assertThat(o.get("message").getAsString()).as(what).isNotBlank();
                }
                answered++;
            }
        }
        assertThat(answered).isEqualTo(paths.size() * queries.length);
    }

    /** A GET written on a socket (java.net.URI refuses bad escapes): the status line and the body. */
    static String[] raw(String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", ui.port())) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int headEnd = answer.indexOf("\r\n\r\n");
            String body = headEnd < 0 ? "" : answer.substring(headEnd + 4);
            if (answer.toLowerCase(java.util.Locale.ROOT).contains("transfer-encoding: chunked")) {
                body = body.substring(body.indexOf("\r\n") + 2, body.lastIndexOf("\r\n0\r\n"));
            }
            return new String[]{answer.substring(0, Math.max(0, answer.indexOf("\r\n"))), body.trim()};
        }
    }

    @Test
    void thePageAndPlotlyAreServedFromTheClassPath() throws Exception {
        HttpResponse<String> page = get("/landscape");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("/assets/webjars/plotly.js-dist/3.3.1/plotly.js",
                "/assets/landscape4j/landscape.js");
        // an icon of its own, inline: browsers then ask for no /favicon.ico (two 404s per load before)
        assertThat(page.body()).contains("<link rel=\"icon\" href=\"data:image/svg+xml,");
        assertThat(get("/landscape/study").body()).contains("<link rel=\"icon\" href=\"data:image/svg+xml,");
        HttpResponse<String> plain = get("/assets/webjars/plotly.js-dist/3.3.1/plotly.js");
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.headers().firstValue("content-encoding")).isEmpty();
        assertThat(plain.headers().firstValue("cache-control")).hasValueSatisfying(v -> assertThat(v)
                .contains("immutable"));
        assertThat(get("/assets/landscape4j/landscape.js").statusCode()).isEqualTo(200);

        // gzipped for a browser that takes it: the same bytes, about a quarter of the size
        for (String path : List.of("/assets/webjars/plotly.js-dist/3.3.1/plotly.js", "/assets/landscape4j/landscape.js")) {
            HttpResponse<byte[]> gz = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ui.port()
                    + path)).header("Accept-Encoding", "gzip, deflate, br").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(gz.statusCode()).isEqualTo(200);
            assertThat(gz.headers().firstValue("content-encoding")).hasValue("gzip");
            assertThat(gz.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v)
                    .contains("javascript"));
            byte[] unzipped = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz.body()))
                    .readAllBytes();
            byte[] original = get(path).body().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(unzipped).isEqualTo(original);
            assertThat(gz.body().length).isLessThan(original.length / 3);
        }
    }

    @Test
    void noPathReachesFilesOutsideTheServedResources() throws Exception {
        for (String path : List.of("/assets/../../../../../../etc/passwd", "/assets/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                "/assets/webjars/../../../../../../etc/passwd", "/assets/" + dir.resolve("api.db"),
                "/assets/..%2f..%2f..%2f..%2fetc%2fpasswd")) {
            try (Socket s = new Socket("127.0.0.1", ui.port())) {
                s.setSoTimeout(10_000);
                s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(answer).as(path).doesNotContain("root:").startsWith("HTTP/1.1 4");
            }
        }
    }

    @Test
    void theServerListensOnLoopbackOnly() throws Exception {
        assertThat(ui.url()).isEqualTo("http://127.0.0.1:" + ui.port() + "/landscape");
        Optional<InetAddress> external = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst();
        assertThat(external).as("a non-loopback address to try").isPresent();
        assertThatThrownBy(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(external.get(), ui.port()), 2000);
            }
        }).isInstanceOf(ConnectException.class);
    }
}
