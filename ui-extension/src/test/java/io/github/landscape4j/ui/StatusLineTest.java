package io.github.landscape4j.ui;

import io.github.landscape4j.store.LandscapeStore;
import org.deeplearning4j.ui.api.UIServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The status line in a real Chromium follows a real run through its states: training (iteration and rate),
 * computing a snapshot (from the listener's progress record, while the snapshot runs), training again, finished
 * once the listener is closed, disconnected while the server is down, and back by itself when it answers again.
 * Screenshots: {@code target/screenshots/status-*.png}.
 */
class StatusLineTest {
    @TempDir
    Path dir;

    @Test
    void theStatusLineFollowsTheRunAndTheServer() throws Exception {
        try (LandscapeStore store = LandscapeStore.open(dir.resolve("status.db"));
             Browser browser = new Browser(dir.resolve("chromium-profile"))) {
            TrainingRun run = new TrainingRun(store, "status", 11, 0.01, 41); // a 41x41 plane: a snapshot of seconds
            LandscapeUi.Handle ui = LandscapeUi.start(0, store.statsStorage());
            int port = ui.port();
            try {
                run.train(20);
                browser.driver.get(ui.url() + "?run=" + run.run().runId());
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    assertThat(browser.dataset("status")).isEqualTo("training");
                    assertThat(status(browser)).contains("training · iteration 20", "it/s", "0 snapshots");
                });
                browser.screenshot("status-1-training");

                long started = System.nanoTime();
                CompletableFuture<?> snapshot = CompletableFuture.runAsync(run::snapshot);
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                    assertThat(browser.dataset("status")).isEqualTo("snapshot");
                    assertThat(status(browser)).contains("computing snapshot 1 (taken at iteration 20)", "so far");
                });
                browser.screenshot("status-2-computing-snapshot");
                snapshot.get();
                System.out.printf("snapshot took %d ms%n", (System.nanoTime() - started) / 1_000_000);
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    assertThat(browser.dataset("status")).isEqualTo("training");
                    assertThat(status(browser)).contains("1 snapshot");
                    assertThat(browser.dataset("shownSnapshot")).isEqualTo("0");
                });

                run.close();
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    assertThat(browser.dataset("status")).isEqualTo("finished");
                    assertThat(status(browser)).contains("finished at", "iteration 20", "1 snapshot");
                });
                browser.screenshot("status-3-finished");
            } finally {
                ui.close();
                UIServer.stopInstance();
            }
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(browser.dataset("status")).isEqualTo("disconnected");
                assertThat(status(browser)).contains("server not reachable since", "retrying");
            });
            browser.screenshot("status-4-disconnected");

            LandscapeUi.Handle again = LandscapeUi.start(port, store.statsStorage());
            try {
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    assertThat(browser.dataset("status")).isEqualTo("finished");
                    assertThat(browser.points("chart-contour")).isGreaterThan(100);
                });
                browser.screenshot("status-5-reconnected");
            } finally {
                again.close();
                UIServer.stopInstance();
            }
        }
    }

    private static String status(Browser browser) {
        return browser.driver.findElement(By.id("status")).getText();
    }
}
