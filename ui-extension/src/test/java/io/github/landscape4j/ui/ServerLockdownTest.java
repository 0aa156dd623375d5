package io.github.landscape4j.ui;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.deeplearning4j.ui.api.UIServer;
import org.deeplearning4j.ui.model.storage.InMemoryStatsStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The limits of the UI server the plugin starts, each tried with a real HTTP client against a real server on a free
 * port: directory assets, body sizes, uploads, the {@code Host} header, DL4J's upload routes and state-changing GETs.
 */
class ServerLockdownTest {
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(ANSWER_WITHIN).build();
    private final InMemoryStatsStorage storage = new InMemoryStatsStorage();
    private LandscapeUi.Handle ui;

    @BeforeEach
    void start() throws Exception {
        UIServer.stopInstance();
        ui = LandscapeUi.start(0, storage);
    }

    @AfterEach
    void stopAndClearOptions() throws Exception {
        stop();
        Stream.of(LandscapeUi.MAX_BODY_PROPERTY, LandscapeUi.MAX_REMOTE_BODY_PROPERTY,
                LandscapeUi.ALLOWED_HOSTS_PROPERTY, LandscapeUi.HOST_PROPERTY).forEach(System::clearProperty);
    }

    private void stop() throws Exception {
        ui.close();
        UIServer.stopInstance();
    }

    private void restart() throws Exception {
        stop();
        start();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ui.port() + path)).timeout(ANSWER_WITHIN);
    }

    private HttpResponse<String> send(HttpRequest.Builder r) throws IOException, InterruptedException {
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(request(path));
    }

    private HttpResponse<String> post(String path, byte[] body) throws IOException, InterruptedException {
        return send(request(path).POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** A body of unknown length: the client sends it chunked, with no Content-Length. */
    private HttpResponse<String> postChunked(String path, int bytes) throws IOException, InterruptedException {
        return send(request(path).POST(HttpRequest.BodyPublishers.ofInputStream(() -> new InputStream() {
            private int left = bytes;

            @Override
            public int read() {
                return left-- > 0 ? 'x' : -1;
            }
        })));
    }

    private static String message(HttpResponse<String> r) {
        JsonObject o = JsonParser.parseString(r.body()).getAsJsonObject();
        assertThat(o.get("error").getAsInt()).isEqualTo(r.statusCode());
        return o.get("message").getAsString();
    }

    @Test
    void directoryAssetsAnswer404AtOnce() throws Exception {
        for (String path : List.of("/assets/landscape4j", "/assets/webjars", "/assets/webjars/plotly.js-dist",
                "/assets/webjars/plotly.js-dist/3.3.1", "/assets/landscape4j/", "//assets/landscape4j",
                "/assets/landscape4j/missing.js", "/assets/", "/assets")) {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
        }
        assertThat(message(get("/assets/webjars"))).contains("no asset /assets/webjars");
        HttpResponse<String> js = get("/assets/landscape4j/landscape.js");
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v)
                .contains("javascript"));
        assertThat(get("/assets/webjars/plotly.js-dist/3.3.1/plotly.js").statusCode()).isEqualTo(200);
    }

    @Test
    void bodiesAboveTheLimitGet413() throws Exception {
        HttpResponse<String> big = post("/landscape/api/runs", new byte[(1 << 20) + 1]);
        assertThat(big.statusCode()).isEqualTo(413);
        assertThat(message(big)).contains("above the limit of 1048576 bytes", LandscapeUi.MAX_BODY_PROPERTY);
        assertThat(postChunked("/landscape/api/runs", 2 << 20).statusCode()).as("chunked").isEqualTo(413);
        assertThat(post("/landscape/api/runs", new byte[1 << 20]).statusCode()).isNotEqualTo(413);
        assertThat(postChunked("/landscape/api/runs", 1000).statusCode()).isNotEqualTo(413);
        // DL4J's remote receiver takes records of a remote run: 16 MiB by default
        assertThat(post("/remoteReceive", new byte[2 << 20]).statusCode()).isNotEqualTo(413);
        assertThat(postChunked("/remoteReceive", 2 << 20).statusCode()).isNotEqualTo(413);
        assertThat(post("/remoteReceive", new byte[(16 << 20) + 1]).statusCode()).isEqualTo(413);
        assertThat(postChunked("/remoteReceive", (16 << 20) + 1).statusCode()).isEqualTo(413);
        // the server still answers afterwards
        assertThat(get("/landscape/api/runs").statusCode()).isEqualTo(200);
    }

    @Test
    void bodyLimitsAreOptions() throws Exception {
        System.setProperty(LandscapeUi.MAX_BODY_PROPERTY, "2k");
        System.setProperty(LandscapeUi.MAX_REMOTE_BODY_PROPERTY, "4096");
        restart();
        assertThat(post("/landscape/api/runs", new byte[2049]).statusCode()).isEqualTo(413);
        assertThat(postChunked("/landscape/api/runs", 2049).statusCode()).isEqualTo(413);
        assertThat(post("/landscape/api/runs", new byte[2048]).statusCode()).isNotEqualTo(413);
        assertThat(post("/remoteReceive", new byte[4097]).statusCode()).isEqualTo(413);
        assertThat(post("/remoteReceive", new byte[4096]).statusCode()).isNotEqualTo(413);

        stop();
        System.setProperty(LandscapeUi.MAX_BODY_PROPERTY, "lots");
        System.setProperty(LandscapeUi.MAX_REMOTE_BODY_PROPERTY, "0");
        assertThatThrownBy(() -> LandscapeUi.start(0, storage)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(LandscapeUi.MAX_BODY_PROPERTY + "=lots: must be a number of bytes")
                .hasMessageContaining(LandscapeUi.MAX_REMOTE_BODY_PROPERTY + "=0");
        System.clearProperty(LandscapeUi.MAX_BODY_PROPERTY);
        System.clearProperty(LandscapeUi.MAX_REMOTE_BODY_PROPERTY);
        start();
    }

    @Test
    void multipartUploadsLeaveNothingOnDisk() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Set<Path> before = uploadedFiles(tmp);
        String boundary = "landscape4jBoundary";
        byte[] file = new byte[200_000];
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.bin\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n";
        byte[] body = concat(head.getBytes(StandardCharsets.US_ASCII), file,
                ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        Map<String, Integer> status = new TreeMap<>();
        for (String path : List.of("/tsne/upload", "/landscape/api/runs", "/", "/remoteReceive")) {
            status.put(path, send(request(path).header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))).statusCode());
        }
        assertThat(uploadedFiles(tmp)).as("files under " + tmp + "/DL4JUI_*").isEqualTo(before);
        assertThat(Path.of("file-uploads")).as("Vert.x's default upload directory").doesNotExist();
        assertThat(status).containsOnly(Map.entry("/", 415), Map.entry("/landscape/api/runs", 415),
                Map.entry("/remoteReceive", 415), Map.entry("/tsne/upload", 415));
    }

    @Test
    void onlyNamesOfThisServerAreAnsweredInTheHostHeader() throws Exception {
        int port = ui.port();
        assertThat(rawStatus("localhost:" + port)).isEqualTo(200);
        assertThat(rawStatus("127.0.0.1:" + port)).isEqualTo(200);
        assertThat(rawStatus("[::1]:" + port)).isEqualTo(200);
        assertThat(rawStatus("LOCALHOST")).isEqualTo(200);
        assertThat(rawStatus("rebound.example:" + port)).as("DNS rebinding").isEqualTo(403);
        assertThat(rawStatus("rebound.example")).isEqualTo(403);
        assertThat(rawStatus("localhost:" + (port == 1 ? 2 : 1))).as("another port").isEqualTo(403);
        assertThat(rawStatus("127.0.0.1.rebound.example:" + port)).isEqualTo(403);
        assertThat(rawStatus(null)).as("no Host").isEqualTo(403);
        assertThat(rawAnswer("rebound.example:" + port, "/landscape/api/runs")).contains("not allowed here",
                LandscapeUi.ALLOWED_HOSTS_PROPERTY);

        System.setProperty(LandscapeUi.ALLOWED_HOSTS_PROPERTY, "ui.lab.example, proxy.example:8443");
        restart();
        port = ui.port();
        assertThat(rawStatus("ui.lab.example:" + port)).isEqualTo(200);
        assertThat(rawStatus("ui.lab.example")).isEqualTo(200);
        assertThat(rawStatus("proxy.example:8443")).isEqualTo(200);
        assertThat(rawStatus("proxy.example:" + port)).isEqualTo(403);
        assertThat(rawStatus("rebound.example:" + port)).isEqualTo(403);
    }

    @Test
    void aServerOnEveryInterfaceAnswersThisMachinesAddresses() throws Exception {
        String address = Collections.list(NetworkInterface.getNetworkInterfaces()).stream()
                .flatMap(i -> Collections.list(i.getInetAddresses()).stream())
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst()
                .orElseThrow().getHostAddress();
        System.setProperty(LandscapeUi.HOST_PROPERTY, "0.0.0.0");
        restart();
        int port = ui.port();
        assertThat(rawStatus(address + ":" + port)).isEqualTo(200); // sent over loopback, naming the address
        assertThat(rawStatus("localhost:" + port)).isEqualTo(200);
        assertThat(rawStatus("rebound.example:" + port)).isEqualTo(403);
    }

    @Test
    void dl4jUploadRoutesAre404() throws Exception {
        byte[] text = "1,2,label\n".getBytes(StandardCharsets.UTF_8);
        for (String path : List.of("/tsne/post/s1", "/tsne/upload", "/tsne/post/s1/", "/tsne//post/s1",
                "/tsne/%70ost/s1")) {
            HttpResponse<String> r = post(path, text);
            assertThat(r.statusCode()).as(path).isEqualTo(404);
        }
        assertThat(message(post("/tsne/post/s1", text))).contains("switched off");
        assertThat(get("/tsne/coords/s1").body()).doesNotContain("label");
    }

    @Test
    void stateChangingGetsAreRefusedToOtherSites() throws Exception {
        String self = "http://127.0.0.1:" + ui.port();
        for (String path : List.of("/setlang/de", "/train/sessions/set/x", "/train/workers/setByIdx/0")) {
            for (Map.Entry<String, String> foreign : Map.of("Sec-Fetch-Site", "cross-site", "Origin",
                    "http://rebound.example", "Referer", "http://rebound.example/page").entrySet()) {
                assertThat(send(request(path).header(foreign.getKey(), foreign.getValue())).statusCode())
                        .as(path + " " + foreign).isEqualTo(403);
            }
        }
        assertThat(message(send(request("/setlang/de").header("Sec-Fetch-Site", "same-site")))).contains(
                "changes the server's state");
        // DL4J's own pages (same origin) and clients that are not browsers still use them
        assertThat(send(request("/setlang/en").header("Sec-Fetch-Site", "same-origin")).statusCode())
                .isEqualTo(200);
        assertThat(send(request("/setlang/en").header("Referer", self + "/train/overview")).statusCode())
                .isEqualTo(200);
        assertThat(get("/setlang/en").statusCode()).isEqualTo(200);
        // requests other than GET from another site are refused whatever the route
        assertThat(send(request("/remoteReceive").header("Origin", "http://rebound.example")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))).statusCode()).isEqualTo(403);
    }

    @Test
    void ourPagesAndDl4jTrainingPagesStay() throws Exception {
        assertThat(get("/landscape").statusCode()).isEqualTo(200);
        assertThat(get("/landscape/api/runs").statusCode()).isEqualTo(200);
        assertThat(get("/train").statusCode()).isBetween(200, 399);
        assertThat(get("/train/overview").statusCode()).isEqualTo(200);
        assertThat(get("/train/sessions/current").statusCode()).isEqualTo(200);
        // a client that upgrades to HTTP/2 (h2c) names the host in :authority instead of Host
        HttpResponse<String> h2 = HttpClient.newHttpClient().send(request("/landscape/api/runs").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(h2.statusCode()).as(h2.body()).isEqualTo(200);
        assertThat(h2.version()).isEqualTo(HttpClient.Version.HTTP_2);
    }

    private int rawStatus(String host) throws IOException {
        String answer = rawAnswer(host, "/landscape/api/runs");
        return Integer.parseInt(answer.substring(9, 12));
    }

    /** An HTTP/1.1 request over a socket: java.net.http does not let a caller set the Host header. */
    private String rawAnswer(String host, String path) throws IOException {
        try (Socket s = new Socket("127.0.0.1", ui.port())) {
            s.setSoTimeout((int) ANSWER_WITHIN.toMillis());
            String request = (host == null ? "GET " + path + " HTTP/1.0\r\n" : "GET " + path + " HTTP/1.1\r\nHost: "
                    + host + "\r\n") + "Connection: close\r\n\r\n";
            s.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private static Set<Path> uploadedFiles(Path tmp) throws IOException {
        try (Stream<Path> dirs = Files.list(tmp)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("DL4JUI_") && Files.isDirectory(d))
                    .flatMap(d -> {
                        try (Stream<Path> files = Files.list(d)) {
                            return files.toList().stream();
                        } catch (IOException e) {
                            return Stream.empty();
                        }
                    }).collect(Collectors.toSet());
        }
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
