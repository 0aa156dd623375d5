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
 * A program under the agent fills the disk of its store (a 4 MiB tmpfs the test mounts; root only, as CI runs):
 * each run stops recording with one line, the program prints what it prints without the agent, and the store opens
 * on the full disk with every run's records readable.
 */
class AgentDiskFullTest {
    private static final int ITERATIONS = 600;
    private SmallDisk disk;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        // 4 MiB: MapDB's file and log take ~2 MiB and a commit wants 1 MiB spare, so on 3 MiB the first commits were
        // sometimes refused (a CI run kept 0 checkpoints); with 600 iterations each run still fills it (~276 here)
        disk = SmallDisk.mount("4m");
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
                "store=" + store + ",every=1,commitEvery=1,checkpointEvery=1,maxCheckpoints=1000,snapshot=every:25",
                args); // rows committed as they come: each run has scalars committed before its disk fills

        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout()).isEqualTo(bare.stdout());
        List<String> stops = run.stderrLines().stream().filter(l -> l.contains("recording into it stops")).toList();
        assertThat(stops).as(run.stderr()).hasSize(2) // PlainTraining trains two models: two runs
                .allMatch(l -> l.contains("everything committed before is kept"));
        assertThat(run.stderr()).doesNotContain("No space left on device").doesNotContain("Exception");

        try (LandscapeStore s = LandscapeStore.openExisting(store)) { // on the full disk
            List<RunInfo> runs = s.listRuns();
            assertThat(runs).hasSize(2);
            int checkpointsInAll = 0;
            int rowsInAll = 0;
            for (RunInfo r : runs) { // every record of every run reads back whole
                LandscapeStore.RecordCounts counts = s.counts(r);
                List<Checkpoint> checkpoints = s.checkpoints(r.runId());
                assertThat(checkpoints).as(r.runId()).hasSize(counts.checkpoints());
                assertThat(checkpoints).allMatch(c -> c.params().length == r.numParams());
                assertThat(s.snapshots(r.runId())).hasSize(counts.snapshots());
                checkpointsInAll += checkpoints.size();
                rowsInAll += s.scalars(r.runId()).size();
            }
            // the two runs share the disk, and which of them fills more of it is a race: counted together
            assertThat(checkpointsInAll).as("checkpoints committed before the disk filled").isGreaterThan(3);
            assertThat(rowsInAll).as("scalar rows committed before the disk filled").isPositive();
        }
    }
}
