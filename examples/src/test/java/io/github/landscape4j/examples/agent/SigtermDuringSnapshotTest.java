package io.github.landscape4j.examples.agent;

import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SIGTERM while a snapshot is being computed: the JVM exits within seconds (no snapshot runs in the shutdown hook,
 * the one in progress is abandoned) and the store holds no part of it and no duplicate index, but does hold the
 * run's scalars and final checkpoint.
 */
class SigtermDuringSnapshotTest {

    @TempDir
    Path dir;

    @Test
    void sigtermDuringASnapshotExitsWithinSecondsAndWritesNoPartOfIt() throws Exception {
        Path store = dir.resolve("term.db");
        Path out = dir.resolve("stdout.txt");
        Path err = dir.resolve("stderr.txt");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // a snapshot at iteration 0 that takes many seconds: big grid, many gradient-based steps
        command.addAll(Runs.agentCommand("store=" + store + ",probeSize=32,snapshot=every:1,grid=201,"
                + "sharpnessK=1000,hessianIterations=1000,hutchinson=1000"));
        command.addAll(List.of("-cp", Runs.plainClasspath(), Runs.PLAIN_MAIN, Integer.toString(Runs.ITERATIONS)));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(out).contains("mlp iteration 0"));
            // the MLP's first snapshot holds the training thread: the graph does not get its first iteration
            await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
                    .until(() -> !Files.readString(out).contains("graph iteration 0"));
            long t0 = System.nanoTime();
            p.destroy(); // SIGTERM
            boolean exited = p.waitFor(20, TimeUnit.SECONDS);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(exited).as("exited within 20 s of SIGTERM; stderr: %s", Files.readString(err)).isTrue();
            // ~1 s on a quiet machine; the bound leaves room for a loaded one, where the store may still be opening
            // (it is opened on the run's writer thread and then committed in the shutdown path). Without the fix
            // the exit waited for a whole second snapshot, computed in the shutdown hook: minutes here.
            assertThat(ms).as("ms from SIGTERM to exit").isLessThan(10_000);
            System.out.println("SIGTERM during a snapshot: exit after " + ms + " ms"); // the figure
        } finally {
            p.destroyForcibly().waitFor();
        }
        try (LandscapeStore s = LandscapeStore.openExisting(store)) {
            RunInfo mlp = s.listRuns().stream().filter(r -> r.modelClass().equals("MultiLayerNetwork")).findFirst()
                    .orElseThrow();
            assertThat(s.snapshots(mlp.runId())).as("the abandoned snapshot").isEmpty();
            assertThat(s.scalars(mlp.runId()).iteration()).containsExactly(0);
            assertThat(s.checkpoints(mlp.runId())).extracting(Checkpoint::kind)
                    .contains(Checkpoint.Kind.INITIAL, Checkpoint.Kind.FINAL);
            for (RunInfo r : s.listRuns()) {
                List<Integer> indices = s.snapshots(r.runId()).stream().map(Snapshot::index).toList();
                assertThat(indices).doesNotHaveDuplicates();
            }
        }
    }
}
