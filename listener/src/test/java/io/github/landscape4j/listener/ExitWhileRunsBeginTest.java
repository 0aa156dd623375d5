package io.github.landscape4j.listener;

import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.RunInfo;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * JVM exit while the store is still being opened and the program's main thread goes on starting runs (under the
 * agent a program's threads run on while the shutdown hooks do; SigtermDuringSnapshotTest once left a store that
 * could not be read). The exit hook closes the runs begun before it and the store after them; a run begun during the
 * exit records nothing. Before, the store was closed while such runs wrote: DL4J's close committed half a group
 * (records past their run's manifest), and the store could not be read (1 of 2 runs here).
 */
class ExitWhileRunsBeginTest {
    @TempDir
    Path dir;

    @RepeatedTest(2)
    void theStoreOpensWholeAfterAnExitWhileRunsBegin() throws Exception {
        Path store = dir.resolve("exit.db");
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), RunsBegunDuringExit.class.getName(),
                store.toString()).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        try {
            assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("exited; stderr: %s", Files.readString(err)).isTrue();
            assertThat(Files.readString(out)).contains("first model trained");
            assertThat(p.exitValue()).as("exit status; stderr: %s", Files.readString(err)).isZero();
        } finally {
            p.destroyForcibly().waitFor();
        }
        assertThat(Files.readString(err)).as("no fault logged").doesNotContain("after a fault");
        try (LandscapeStore s = LandscapeStore.openExisting(store)) {
            List<RunInfo> runs = s.listRuns();
            assertThat(runs).isNotEmpty();
            for (RunInfo r : runs) { // every record of every run reads back against its manifest
                s.scalars(r.runId());
                s.snapshots(r.runId());
                s.checkpoints(r.runId());
            }
            RunInfo first = runs.stream().filter(r -> r.name().equals("m0")).findFirst().orElseThrow();
            assertThat(s.scalars(first.runId()).size()).isEqualTo(3);
            assertThat(s.checkpoints(first.runId())).extracting(Checkpoint::kind)
                    .contains(Checkpoint.Kind.INITIAL, Checkpoint.Kind.FINAL);
        }
    }
}
