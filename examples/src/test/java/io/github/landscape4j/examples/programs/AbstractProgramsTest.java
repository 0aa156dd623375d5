package io.github.landscape4j.examples.programs;

import io.github.landscape4j.examples.bench.ChildJvm;
import io.github.landscape4j.examples.bench.SnapshotTimeline;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 22: real programs get landscape snapshots with DEFAULT options. Written once and run two ways: the
 * listener added by hand ({@link ListenerProgramsTest}) and the agent ({@link AgentProgramsTest}). A program of
 * about 25 s of training ({@link MathFunctionsRegression}) gets its first snapshot within the first quarter of its
 * training and at least three before its last iteration; a program of a few seconds ({@link XorMiniBatchFalse})
 * gets at least one. Both print exactly what they print without the plugin.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractProgramsTest {

    /** About 25 s of training on the 2-core development VM (longer when it is busy). */
    static final List<String> LONG_ARGS = List.of("--epochs", "1000");
    /** The official example's 1,000 epochs: a second or two of training. */
    static final List<String> SHORT_ARGS = List.of("--epochs", "1000");

    @TempDir
    static Path dir;
    private ChildJvm.Result longRun;
    private ChildJvm.Result shortRun;
    private Path longStore;
    private Path shortStore;

    /** Runs {@code program} with the plugin, default options, writing to {@code store}. */
    abstract ChildJvm.Result trainWithPlugin(Path dir, Program program, List<String> args, Path store)
            throws Exception;

    @BeforeAll
    void train() throws Exception {
        longStore = dir.resolve(getClass().getSimpleName() + "-long.db");
        shortStore = dir.resolve(getClass().getSimpleName() + "-short.db");
        longRun = trainWithPlugin(dir, Program.MATH_FUNCTIONS_REGRESSION, LONG_ARGS, longStore);
        shortRun = trainWithPlugin(dir, Program.XOR_MINI_BATCH_FALSE, SHORT_ARGS, shortStore);
    }

    @Test
    void aLongProgramPrintsExactlyWhatItPrintsWithoutThePlugin() throws Exception {
        assertSameOutput(longRun, ProgramRuns.baseline(Program.MATH_FUNCTIONS_REGRESSION, LONG_ARGS));
    }

    @Test
    void aShortProgramPrintsExactlyWhatItPrintsWithoutThePlugin() throws Exception {
        assertSameOutput(shortRun, ProgramRuns.baseline(Program.XOR_MINI_BATCH_FALSE, SHORT_ARGS));
    }

    @Test
    void aLongProgramGetsItsFirstSnapshotWithinTheFirstQuarterOfItsTraining() {
        SnapshotTimeline t = SnapshotTimeline.read(longStore);
        assertThat(t.trainingMillis()).as("%s", t).isPositive();
        assertThat(t.snapshots()).as("snapshots stored: %s%nstderr: %s", t, longRun.stderr()).isPositive();
        assertThat(t.firstMillis()).as("ms from the run's start to its first snapshot: %s", t)
                .isLessThanOrEqualTo(t.trainingMillis() / 4);
    }

    @Test
    void aLongProgramGetsAtLeastThreeSnapshotsDuringTraining() {
        SnapshotTimeline t = SnapshotTimeline.read(longStore);
        assertThat(t.snapshotsDuringTraining()).as("snapshots before the last iteration: %s%nstderr: %s", t,
                longRun.stderr()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aShortProgramGetsAtLeastOneSnapshot() {
        SnapshotTimeline t = SnapshotTimeline.read(shortStore);
        assertThat(t.lastIteration()).as("%s", t).isEqualTo(999);
        assertThat(t.snapshots()).as("snapshots stored: %s%nstderr: %s", t, shortRun.stderr()).isPositive();
    }

    private static void assertSameOutput(ChildJvm.Result run, ChildJvm.Result baseline) {
        assertThat(baseline.exitCode()).as("baseline stderr: %s", baseline.stderr()).isZero();
        assertThat(run.exitCode()).as("stderr: %s", run.stderr()).isZero();
        assertThat(run.stdout()).isEqualTo(baseline.stdout()).contains("trained ");
    }
}
