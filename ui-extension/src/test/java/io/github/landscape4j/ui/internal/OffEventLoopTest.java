package io.github.landscape4j.ui.internal;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * API answers are computed off the event loop: while one request reads a store for seconds, the one event loop
 * thread goes on answering others (on it, Vert.x logged "Thread blocked" and every request waited).
 */
class OffEventLoopTest {

    @Test
    void aSlowAnswerDoesNotHoldUpTheEventLoop() throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        try {
            CountDownLatch computing = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicReference<String> thread = new AtomicReference<>();
            BiConsumer<List<String>, RoutingContext> slow = Responses.handler(Request.JSON, r -> {
                thread.set(Thread.currentThread().getName());
                computing.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS); // a store read that takes long
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Responses.Answer.json(Map.of("done", true));
            });
            Router router = Router.router(vertx);
            router.get("/landscape/api/slow").handler(rc -> slow.accept(List.of(), rc));
            router.get("/landscape/api/fast").handler(rc -> rc.response().end("{}"));
            CompletableFuture<HttpServer> started = new CompletableFuture<>();
            vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1", ar -> {
                if (ar.succeeded()) {
                    started.complete(ar.result());
                } else {
                    started.completeExceptionally(ar.cause());
                }
            });
            int port = started.get(20, TimeUnit.SECONDS).actualPort();
            HttpClient client = HttpClient.newHttpClient();
            CompletableFuture<HttpResponse<String>> slowAnswer = client.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/landscape/api/slow")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(computing.await(20, TimeUnit.SECONDS)).isTrue();

            long start = System.nanoTime();
            HttpResponse<String> fast = client.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/landscape/api/fast")).timeout(
                    java.time.Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(fast.statusCode()).isEqualTo(200);
            assertThat(seconds).as("answered while the slow request computes").isLessThan(2.0);
            assertThat(thread.get()).as("the slow answer's thread").contains("worker")
                    .doesNotContain("eventloop");

            release.countDown();
            HttpResponse<String> done = slowAnswer.get(20, TimeUnit.SECONDS);
            assertThat(done.statusCode()).isEqualTo(200);
            assertThat(done.body()).contains("\"done\":true");
        } finally {
            vertx.close();
        }
    }
}
