package io.github.landscape4j.ui;

import io.github.landscape4j.store.LandscapeStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A training JVM that started the live page ({@code ui(0)}) exits by itself when its {@code main} ends, with the
 * program's own status, unless the user asked to keep serving. Each case forks a real JVM running
 * {@link LiveUiProgram}.
 */
class ExitTest {
    /** Start-up, a few iterations of a tiny net and the UI server take a few seconds; a JVM that hangs never ends. */
    private static final long EXIT_WITHIN_S = 90;

    @TempDir
    Path dir;

    @Test
    void aProgramWhoseMainReturnsExitsWithStatus0() throws Exception {
        Child c = Child.start(dir, List.of(), "return", "close");
        await().atMost(Duration.ofSeconds(EXIT_WITHIN_S)).until(() -> c.stdout().contains("main ends")
                || !c.process.isAlive());
        long mainEnded = System.nanoTime();
        assertThat(c.waitFor(EXIT_WITHIN_S)).as(c.describe()).isZero();
        assertThat(Duration.ofNanos(System.nanoTime() - mainEnded)).as("from the end of main to the JVM's exit")
                .isLessThan(Duration.ofSeconds(10));
        assertThat(c.stdout()).contains("landscape4j: live page at http://127.0.0.1:", "main ends");
        try (LandscapeStore s = LandscapeStore.openExisting(c.store)) {
            assertThat(s.scalars(s.listRuns().get(0).runId()).size()).isEqualTo(6);
        }
    }

    @Test
    void aProgramWhoseMainThrowsExitsWithStatus1() throws Exception {
        Child c = Child.start(dir, List.of(), "throw", "keep"); // the listener is never closed either
        assertThat(c.waitFor(EXIT_WITHIN_S)).as(c.describe()).isEqualTo(1);
        assertThat(c.stderr()).contains("the program's own failure");
    }

    @Test
    void keepServingKeepsTheJvmAndThePageAfterMainEnds() throws Exception {
        Child c = Child.start(dir, List.of("-D" + LandscapeUi.KEEP_SERVING_PROPERTY + "=true"), "return", "close");
        try {
            await().atMost(Duration.ofSeconds(EXIT_WITHIN_S)).until(() -> c.stdout().contains("main ends"));
            String page = c.stdout().lines().filter(l -> l.startsWith("page ")).findFirst().orElseThrow()
                    .substring(5);
            assertServesOn(c, page);
        } finally {
            c.process.destroyForcibly().waitFor();
        }
    }

    @Test
    void theLauncherServesAfterItsMainReturns() throws Exception {
        Path store = dir.resolve("launcher.db");
        LandscapeStore.open(store).close();
        Child c = Child.launch(dir, List.of(), LandscapeUiMain.class.getName(), List.of("--store", store.toString(),
                "--port", "0"), store);
        try {
            await().atMost(Duration.ofSeconds(EXIT_WITHIN_S)).until(() -> c.stdout().contains("landscape4j: serving")
                    || !c.process.isAlive());
            String page = c.stdout().lines().filter(l -> l.startsWith("landscape4j: live page at "))
                    .findFirst().orElseThrow(() -> new AssertionError(c.describe()))
                    .substring("landscape4j: live page at ".length());
            assertServesOn(c, page);
        } finally {
            c.process.destroyForcibly().waitFor();
        }
    }

    /** The watcher would stop the server within a fraction of a second: it serves on for seconds. */
    private static void assertServesOn(Child c, String page) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> c.process.isAlive()
                && http.send(HttpRequest.newBuilder(URI.create(page + "/api/runs")).timeout(Duration.ofSeconds(5))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
    }

    /** A forked JVM running {@link LiveUiProgram} on this test's class path, output going to files. */
    private record Child(Process process, Path store, Path out, Path err, List<String> command) {
        static Child start(Path dir, List<String> jvmArgs, String end, String close) throws Exception {
            Path store = dir.resolve("live.db");
            return launch(dir, jvmArgs, LiveUiProgram.class.getName(), List.of(store.toString(), "6", end, close),
                    store);
        }

        static Child launch(Path dir, List<String> jvmArgs, String main, List<String> args, Path store)
                throws Exception {
            Path out = dir.resolve("stdout.txt");
            Path err = dir.resolve("stderr.txt");
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                    .toString(), "-Xmx512m"));
            command.addAll(jvmArgs);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), main));
            command.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            pb.environment().put("OMP_NUM_THREADS", "1");
            return new Child(pb.start(), store, out, err, command);
        }

        /** The exit status, or fails the test when the JVM is still running after {@code seconds}. */
        int waitFor(long seconds) throws Exception {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new AssertionError("the JVM did not exit within " + seconds + " s: " + describe());
            }
            return process.exitValue();
        }

        String stdout() {
            return read(out);
        }

        String stderr() {
            return read(err);
        }

        private static String read(Path file) {
            try {
                return Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String describe() {
            return String.join(" ", command).replace(System.getProperty("java.class.path"), "CLASSPATH")
                    + "\nstdout:\n" + stdout() + "\nstderr:\n" + stderr();
        }
    }
}
