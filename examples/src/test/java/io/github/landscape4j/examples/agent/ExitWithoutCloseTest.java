package io.github.landscape4j.examples.agent;

import io.github.landscape4j.examples.bench.ChildJvm;
import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.RunInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A program that never closes its listener loses nothing at a normal exit: the listener's tail (uncommitted rows,
 * final checkpoint) is written before the store is closed, not raced by MapDB's own shutdown hook.
 */
class ExitWithoutCloseTest {

    @TempDir
    Path dir;

    @Test
    void theTailOfTheRunReachesTheStoreAtExit() throws Exception {
        Path store = dir.resolve("unclosed.db");
        ChildJvm.Result r = ChildJvm.run(dir, List.of("-Xmx1g"), System.getProperty("java.class.path"),
                NeverClosedTraining.class.getName(), List.of(store.toString(), Integer.toString(Runs.ITERATIONS)),
                Runs.TIMEOUT_S);
        assertThat(r.exitCode()).as(String.join("\n", r.stderrLines())).isZero();
        assertThat(r.stderrLines()).noneMatch(l -> l.contains("DB was closed") || l.contains("WARN"));
        try (LandscapeStore s = LandscapeStore.openExisting(store)) {
            RunInfo run = s.listRuns().get(0);
            assertThat(s.scalars(run.runId()).iteration())
                    .containsExactly(LongStream.range(0, Runs.ITERATIONS).toArray());
            assertThat(s.checkpoints(run.runId())).extracting(Checkpoint::kind).contains(Checkpoint.Kind.FINAL);
        }
    }
}
