package io.github.landscape4j.examples.agent;

import io.github.landscape4j.examples.bench.ChildJvm;
import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.SmallDisk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A program under the agent fills the disk of its store (a 2 MiB tmpfs the test mounts; root only, as CI runs):
 * each run stops recording with one line, the program prints what it prints without the agent, and the store opens
 * on the full disk with every run's records readable.
 */
class AgentDiskFullTest {
    private static final int ITERATIONS = 300;
    private SmallDisk disk;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        disk = SmallDisk.mount("2m");
    }

    @AfterEach
    void unmount() throws Exception {
        if (disk != null) {
            disk.close();
        }
    }

    @Test
    void aFullDiskStopsEachRunCleanlyAndTheStoreKeepsWhatWasCommitted() throws Exception {
        Path store = disk.path().resolve("agent.db");
        List<String> args = List.of(Integer.toString(ITERATIONS));
        ChildJvm.Result bare = ChildJvm.run(Files.createTempDirectory("landscape4j-full-bare"), List.of("-Xmx1g"),
                Runs.plainClasspath(), Runs.PLAIN_MAIN, args, Runs.TIMEOUT_S);
        ChildJvm.Result run = Runs.withAgent(Files.createTempDirectory("landscape4j-full"),
                "store=" + store + ",every=1,checkpointEvery=1,maxCheckpoints=1000,snapshot=every:25", args);

        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout()).isEqualTo(bare.stdout());
        List<String> stops = run.stderrLines().stream().filter(l -> l.contains("recording into it stops")).toList();
        assertThat(stops).as(run.stderr()).hasSize(2) // PlainTraining trains two models: two runs
                .allMatch(l -> l.contains("everything committed before is kept"));
        assertThat(run.stderr()).doesNotContain("No space left on device").doesNotContain("Exception");

        try (LandscapeStore s = LandscapeStore.openExisting(store)) { // on the full disk
            List<RunInfo> runs = s.listRuns();
            assertThat(runs).hasSize(2);
            for (RunInfo r : runs) {
                LandscapeStore.RecordCounts counts = s.counts(r);
                assertThat(counts.checkpoints()).as(r.runId()).isGreaterThan(3);
                List<Checkpoint> checkpoints = s.checkpoints(r.runId());
                assertThat(checkpoints).hasSize(counts.checkpoints());
                assertThat(checkpoints).allMatch(c -> c.params().length == r.numParams());
                assertThat(s.snapshots(r.runId())).hasSize(counts.snapshots());
                assertThat(s.scalars(r.runId()).iteration()).isNotEmpty();
            }
        }
    }
}
