package io.github.landscape4j.examples.agent;

import io.github.landscape4j.examples.bench.ChildJvm;
import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.RunInfo;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The listener's behaviour on an unmodified training program, written once and run two ways: listener added by
 * hand ({@link HandWiredTrainingTest}) and by the agent ({@link AgentTrainingTest}). Each runs the program in a
 * fresh JVM and compares it with a run without the plugin.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractPlainTrainingTest {

    /** Parameters of PlainTraining's two models: 20-16-3 and 20-8-3, weights and biases. */
    private static final long MLP_PARAMS = 20 * 16 + 16 + 16 * 3 + 3;
    private static final long GRAPH_PARAMS = 20 * 8 + 8 + 8 * 3 + 3;

    @TempDir
    static Path dir;
    ChildJvm.Result run;
    Path store;

    /** Runs PlainTraining with the plugin writing to {@code store}. */
    abstract ChildJvm.Result trainWithPlugin(Path dir, Path store) throws Exception;

    /** The run name this way of wiring gives. */
    abstract String expectedRunName();

    @BeforeAll
    void train() throws Exception {
        store = dir.resolve("runs/plain.db");
        run = trainWithPlugin(dir, store);
    }

    @Test
    void programRunsAndPrintsExactlyWhatItPrintsWithoutThePlugin() throws Exception {
        ChildJvm.Result baseline = Runs.baseline();
        assertThat(baseline.exitCode()).as("baseline stderr: %s", baseline.stderr()).isZero();
        assertThat(run.exitCode()).as("stderr: %s", run.stderr()).isEqualTo(baseline.exitCode());
        // every minibatch score the program's own listener saw, and the final parameter hashes
        assertThat(run.stdout()).isEqualTo(baseline.stdout());
        assertThat(run.stdoutLines()).filteredOn(l -> l.contains(" iteration ")).hasSize(2 * Runs.ITERATIONS);
        assertThat(Runs.newStderrLines(run)).as("stderr: %s", run.stderr()).filteredOn(l -> !expectedLine(l))
                .isEmpty();
    }

    /** Whether a stderr line the baseline does not print is one the plugin is meant to print in this setting. */
    boolean expectedLine(String line) {
        return false;
    }

    @Test
    void trainingIsBitIdentical() throws Exception {
        List<String> hashes = run.stdoutLines().stream().filter(l -> l.contains("params sha256")).toList();
        assertThat(hashes).hasSize(2)
                .isEqualTo(Runs.baseline().stdoutLines().stream().filter(l -> l.contains("params sha256")).toList());
    }

    @Test
    void storeHoldsOneRunPerModelWithEveryIteration() {
        try (LandscapeStore s = LandscapeStore.openExisting(store)) {
            List<RunInfo> runs = s.listRuns();
            assertThat(runs).extracting(RunInfo::modelClass)
                    .containsExactlyInAnyOrder("MultiLayerNetwork", "ComputationGraph");
            assertThat(runs).extracting(RunInfo::name).containsOnly(expectedRunName());
            for (RunInfo r : runs) {
                assertThat(r.numParams()).isEqualTo(r.modelClass().equals("MultiLayerNetwork")
                        ? MLP_PARAMS : GRAPH_PARAMS);
                assertThat(s.scalars(r.runId()).iteration()).as(r.runId())
                        .containsExactly(java.util.stream.LongStream.range(0, Runs.ITERATIONS).toArray());
                assertThat(s.checkpoints(r.runId())).extracting(Checkpoint::kind)
                        .contains(Checkpoint.Kind.INITIAL, Checkpoint.Kind.FINAL);
            }
        }
    }
}
