package io.github.landscape4j.examples.agent;

import io.github.landscape4j.examples.bench.ChildJvm;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.Snapshot;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The behaviour tests with the listener added by the agent and snapshots on: a probe small enough to fill in the
 * first iteration (one minibatch of 32), a snapshot every 6 iterations. Training stays bit-identical and the
 * program's output unchanged; each run holds its snapshots, numbered 0, 1, ... without a gap or a repeat.
 */
class AgentSnapshotsTrainingTest extends AbstractPlainTrainingTest {

    @Override
    ChildJvm.Result trainWithPlugin(Path dir, Path store) throws Exception {
        return Runs.withAgent(dir, "store=" + store + ",run=agent-snapshots,probeSize=32,snapshot=every:6,grid=5,"
                + "sharpnessK=2,ascentSteps=1,hessianIterations=2,hutchinson=1");
    }

    @Override
    String expectedRunName() {
        return "agent-snapshots";
    }

    private static final String EXIT_LINE = "landscape4j: JVM exit: no final snapshot";

    /** The agent's start line, and the progress lines of a snapshot that runs longer than 5 s (on a loaded machine). */
    @Override
    boolean expectedLine(String line) {
        return line.startsWith(AgentTrainingTest.START_LINE) || line.contains("landscape4j: snapshot of ");
    }

    /** main returned normally: the final snapshots were taken then, so the exit has nothing to say. */
    @Test
    void atExitNothingIsSaidAboutAMissingFinalSnapshot() throws Exception {
        assertThat(Runs.newStderrLines(run)).noneMatch(l -> l.contains(EXIT_LINE));
    }

    @Test
    void eachRunHoldsItsSnapshotsWithUniqueIndices() {
        try (LandscapeStore s = LandscapeStore.openExisting(store)) {
            for (RunInfo r : s.listRuns()) {
                List<Snapshot> snapshots = s.snapshots(r.runId());
                // iterations 0 and 6 of 0..11, and the final one (11) when main returned
                assertThat(snapshots).as(r.runId()).extracting(Snapshot::iteration).containsExactly(0L, 6L, 11L);
                assertThat(snapshots).extracting(Snapshot::index).containsExactly(0, 1, 2);
                assertThat(snapshots).extracting(Snapshot::level).containsOnly("full");
                assertThat(snapshots.get(1).measures()).containsKeys("train_loss", "hessian_top");
            }
        }
    }
}
