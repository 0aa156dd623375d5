package io.github.landscape4j.examples.agent;

import io.github.landscape4j.examples.bench.ChildJvm;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.RunInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A program that ends with {@code System.exit} never returns from {@code main}, so under the agent its runs get no
 * final snapshot (none is taken in a shutdown hook): each run says so on stderr, with why, whether or not the program
 * has an SLF4J binding (the child's class path has none); the program's output and exit code are unchanged.
 */
class ExitBeforeMainReturnsTest {

    @Test
    void eachRunThatEndsWithNoSnapshotSaysWhyOnStderr(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("exit.db");
        List<String> args = List.of(Integer.toString(Runs.ITERATIONS), "--exit");
        ChildJvm.Result run = Runs.withAgent(dir, "store=" + store, args);
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo(Runs.baseline().stdout());
        List<String> said = run.stderrLines().stream().filter(l -> l.contains("with no landscape snapshot")).toList();
        assertThat(said).as(run.stderr()).hasSize(2).allSatisfy(l -> assertThat(l)
                .contains("ended at iteration " + (Runs.ITERATIONS - 1))
                .contains("the JVM exited before one was taken")
                .contains("its train probe was still being collected")
                .contains("instead of calling System.exit"));
        try (LandscapeStore s = LandscapeStore.openExisting(store)) {
            assertThat(s.listRuns()).hasSize(2).allSatisfy(r -> assertThat(s.snapshots(r.runId())).isEmpty());
            for (RunInfo r : s.listRuns()) {
                assertThat(s.progress(r)).hasValueSatisfying(p -> assertThat(p.state()).isEqualTo("finished"));
            }
        }
    }
}
