package io.github.landscape4j.examples.agent;

import io.github.landscape4j.examples.bench.ChildJvm;
import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.RunInfo;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs end before the JVM does: under the agent, a program that trains many models in sequence keeps a flat
 * footprint (each run ends when its model is collected, releasing the model, its checkpoints and its writer thread)
 * and exits promptly; a program that ends right after its first iteration still gets its runs recorded.
 */
class RunsEndTest {

    private static final Pattern FOOTPRINT = Pattern.compile(
            "footprint after model (\\d+): heap (\\d+) offheap (\\d+) threads (\\d+)");

    @TempDir
    Path dir;

    private record Footprint(long heap, long offHeap, int threads) {
    }

    @Test
    void aSweepOfFiftyModelsKeepsHeapAndThreadsFlatAndExitsWithinSecondsOfMain() throws Exception {
        Path store = dir.resolve("sweep.db");
        ChildJvm.Result r = Runs.withAgent(dir, "store=" + store + ",run=sweep", List.of("--sweep", "50"));
        long ended = System.currentTimeMillis();
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        Map<Integer, Footprint> at = r.stdoutLines().stream().map(FOOTPRINT::matcher).filter(Matcher::matches)
                .collect(Collectors.toMap(m -> Integer.parseInt(m.group(1)), m -> new Footprint(
                        Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), Integer.parseInt(m.group(4)))));
        assertThat(at).as(r.stdout()).containsKeys(10, 50);
        r.stdoutLines().stream().filter(l -> l.startsWith("footprint")).forEach(System.out::println); // the figures
        Footprint ten = at.get(10);
        Footprint fifty = at.get(50);
        assertThat(fifty.threads()).as("live threads after model 10 and 50").isLessThanOrEqualTo(ten.threads() + 1);
        assertThat(fifty.heap()).as("heap after GC, after model 10 and 50 (bytes)")
                .isLessThan(ten.heap() + 4L * 1024 * 1024);
        assertThat(fifty.offHeap()).as("ND4J off-heap bytes after model 10 and 50")
                .isLessThan(ten.offHeap() + 1024 * 1024);
        long mainReturned = r.stdoutLines().stream().filter(l -> l.startsWith("main returns at "))
                .mapToLong(l -> Long.parseLong(l.substring("main returns at ".length()))).findFirst().orElseThrow();
        assertThat(ended - mainReturned).as("ms from main returning to the JVM's end").isLessThan(5_000);
        System.out.println("sweep: JVM ended " + (ended - mainReturned) + " ms after main returned"); // the figure
        try (LandscapeStore s = LandscapeStore.openExisting(store)) {
            List<RunInfo> runs = s.listRuns();
            assertThat(runs.size()).as("runs in the store; the program's stdout: %s%nstderr: %s", r.stdout(),
                    r.stderr()).isEqualTo(50);
            for (RunInfo run : runs) { // each run ended properly: committed to its last iteration, with its end
                assertThat(s.scalars(run.runId()).iteration()).as(run.runId()).containsExactly(0, 1, 2, 3, 4);
                assertThat(s.checkpoints(run.runId())).extracting(Checkpoint::kind)
                        .contains(Checkpoint.Kind.INITIAL, Checkpoint.Kind.FINAL);
            }
        }
    }

    @RepeatedTest(3)
    void aProgramEndingRightAfterItsFirstIterationGetsItsRunsRecorded() throws Exception {
        Path store = dir.resolve("short.db");
        ChildJvm.Result r = Runs.withAgent(dir, "store=" + store, List.of("1"));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stderr()).doesNotContain("landscape4j agent: off", "Shutdown in progress");
        try (LandscapeStore s = LandscapeStore.openExisting(store)) {
            List<RunInfo> runs = s.listRuns();
            assertThat(runs).extracting(RunInfo::modelClass)
                    .containsExactlyInAnyOrder("MultiLayerNetwork", "ComputationGraph");
            for (RunInfo run : runs) {
                assertThat(s.scalars(run.runId()).iteration()).containsExactly(0);
                assertThat(s.checkpoints(run.runId())).extracting(Checkpoint::kind)
                        .contains(Checkpoint.Kind.INITIAL, Checkpoint.Kind.FINAL);
            }
        }
    }
}
