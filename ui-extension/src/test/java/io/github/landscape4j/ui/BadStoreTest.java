package io.github.landscape4j.ui;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.ParameterTensor;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.Slice;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.store.internal.IterationRow;
import io.github.landscape4j.store.internal.Json;
import io.github.landscape4j.store.internal.RecordTypes;
import io.github.landscape4j.store.internal.StoreWriter;
import io.github.landscape4j.ui.internal.Responses;
import org.deeplearning4j.ui.api.UIServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad store files at the launcher and on the page: one line and exit status 2 at start-up (a forked JVM), a 500 that
 * names the store when a served file goes bad; and NaN/infinite values served as {@code null}, in measure and
 * per-tensor maps too.
 */
class BadStoreTest {
    private static final String RUN = "run-bad";

    @TempDir
    Path dir;

    private final List<LandscapeUi.Handle> handles = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (LandscapeUi.Handle h : handles) {
            try {
                h.close();
            } catch (Exception e) {
                // DL4J's detach lists the sessions of a store damaged on purpose here: a StoreException
            }
        }
        UIServer.stopInstance();
    }

    @Test
    void nanAndInfinityAreNullInMeasureAndPerTensorMaps() {
        String json = Responses.GSON.toJson(snapshot());
        assertThat(json).doesNotContain("NaN").doesNotContain("Infinity");
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        assertThat(o.getAsJsonObject("measures").has("val_loss")).as(json).isTrue();
        assertThat(o.getAsJsonObject("measures").get("val_loss").isJsonNull()).isTrue();
        assertThat(o.getAsJsonObject("measures").get("hessian_top").isJsonNull()).isTrue();
        assertThat(o.getAsJsonObject("measures").get("train_loss").getAsDouble()).isEqualTo(0.5);
        JsonObject w = o.getAsJsonObject("perTensor").getAsJsonObject("0_W");
        assertThat(w.has("sharpness_random_mean")).isTrue();
        assertThat(w.get("sharpness_random_mean").isJsonNull()).isTrue();
        assertThat(o.getAsJsonArray("slices").get(0).getAsJsonObject().getAsJsonArray("trainLoss").get(1)
                .isJsonNull()).isTrue();
    }

    @Test
    void aServedStoreThatGoesBadAnswers500NamingTheStore() throws Exception {
        Path file = writeStore(dir.resolve("served.db"));
        handles.addAll(LandscapeUiMain.run(new String[]{"--store", file.toString(), "--port", "0"}));
        String base = "http://127.0.0.1:" + handles.get(0).port() + "/landscape/api/runs/" + RUN;
        HttpResponse<String> snapshot = get(base + "/snapshots/0");
        assertThat(snapshot.statusCode()).as(snapshot.body()).isEqualTo(200);
        assertThat(snapshot.body()).contains("\"val_loss\":null").contains("\"sharpness_random_mean\":null")
                .doesNotContain("NaN");
        assertThat(get(base + "/scalars").statusCode()).isEqualTo(200);

        // the file is damaged while it is served (a disk error, another program writing into it)
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] junk = new byte[(int) raf.length() - 4096];
            Arrays.fill(junk, (byte) 0x5A);
            raf.seek(4096);
            raf.write(junk);
        }
        HttpResponse<String> scalars = get(base + "/scalars");
        assertThat(scalars.statusCode()).as(scalars.body()).isEqualTo(500);
        assertThat(JsonParser.parseString(scalars.body()).getAsJsonObject().get("message").getAsString())
                .contains(file.toString());
    }

    @Test
    void launcherPrintsOneLineAndExitsWith2ForABadFile() throws Exception {
        Path good = writeStore(dir.resolve("good.db"));
        byte[] bytes = Files.readAllBytes(good);
        Path truncated = Files.write(dir.resolve("truncated.db"), Arrays.copyOf(bytes, bytes.length / 5));
        Path directory = Files.createDirectory(dir.resolve("directory.db"));
        for (Path bad : List.of(truncated, directory)) {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), LandscapeUiMain.class.getName(),
                    "--store", bad.toString(), "--port", "0").redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertThat(p.exitValue()).as(err).isEqualTo(2);
            List<String> lines = err.lines().filter(l -> !l.startsWith("SLF4J")).toList();
            assertThat(lines).as(err).hasSize(1);
            assertThat(lines.get(0)).startsWith("landscape4j UI: ").contains(bad.toString());
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Path writeStore(Path file) {
        try (LandscapeStore store = LandscapeStore.open(file)) {
            StoreWriter w = new StoreWriter(store.statsStorage(), RUN, "w0", List.of("0_W"), 5, 60_000, 0, e -> {
                throw new AssertionError(e);
            });
            w.writeRunInfo(() -> Json.GSON.toJson(new RunInfo(RUN, "w0", "bad", List.of(), 1, Instant.now(),
                    "MultiLayerNetwork", "{}", 4, List.of(new ParameterTensor("0_W", 0, new long[]{2, 2})), Map.of(),
                    Map.of(), RecordTypes.SCHEMA_VERSION, List.of())));
            for (int i = 0; i < 40; i++) {
                w.addRow(new IterationRow(i, 0, i, 1.0 / (i + 1), 0.1, 1, Double.NaN, 2, new double[]{1},
                        new double[]{Double.NaN}, new double[]{Double.POSITIVE_INFINITY}));
            }
            w.writeRecord(RecordTypes.SNAPSHOT, Json.GSON.toJson(snapshot()));
            w.close();
        }
        return file;
    }

    private static Snapshot snapshot() {
        Map<String, Double> measures = new LinkedHashMap<>();
        measures.put("train_loss", 0.5);
        measures.put("val_loss", Double.NaN);
        measures.put("hessian_top", Double.POSITIVE_INFINITY);
        Map<String, Double> perW = new LinkedHashMap<>();
        perW.put("sharpness_random_mean", Double.NaN);
        perW.put("hessian_top", 2.0);
        double[] xs = {-1, 0, 1};
        return new Snapshot(0, 40, 0, 100, 1, Map.of(), List.of(),
                List.of(new Slice("gradient", "g", xs, new double[]{1, Double.NaN, 3}, xs, xs, xs)), measures,
                Map.of("0_W", perW), Map.of("total", 1.0));
    }
}
