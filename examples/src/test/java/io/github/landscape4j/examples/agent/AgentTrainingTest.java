package io.github.landscape4j.examples.agent;

import io.github.landscape4j.examples.bench.ChildJvm;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.RunInfo;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The behaviour tests with the listener added by the agent, on a class path with only deeplearning4j-nn and ND4J.
 * Options come from both sources: the agent argument's {@code run} wins over the property's, the property's
 * {@code tags} is used.
 */
class AgentTrainingTest extends AbstractPlainTrainingTest {

    @Override
    ChildJvm.Result trainWithPlugin(Path dir, Path store) throws Exception {
        return Runs.withAgent(dir, "store=" + store + ",run=agent,commitEvery=5",
                "-Dlandscape4j.run=fromProperty", "-Dlandscape4j.tags=viaProperty",
                "-Dlandscape4j.fashionMnist=/not/an/agent/option");
    }

    @Override
    String expectedRunName() {
        return "agent";
    }

    /** The one line the agent prints at start. */
    @Override
    boolean expectedLine(String line) {
        return line.startsWith(START_LINE) || line.contains("landscape4j: snapshot of "); // a long one, loaded machine
    }

    static final String START_LINE = "landscape4j agent: recording DL4J models to ";

    @Test
    void atStartOneLineNamesTheStoreTheScheduleAndThePage() throws Exception {
        assertThat(Runs.newStderrLines(run)).filteredOn(l -> l.startsWith(START_LINE)).singleElement().asString()
                .contains(store.toAbsolutePath().toString()).contains("snapshot=budget:10%")
                .contains("live page off");
    }

    /** Under the default budget, main's normal return takes each run's final snapshot, at its last iteration. */
    @Test
    void whenMainReturnsEachRunTakesItsFinalSnapshot() {
        try (LandscapeStore s = LandscapeStore.openExisting(store)) {
            for (RunInfo r : s.listRuns()) {
                java.util.List<io.github.landscape4j.store.Snapshot> snaps = s.snapshots(r.runId());
                assertThat(snaps).as(r.runId()).isNotEmpty();
                assertThat(snaps.get(snaps.size() - 1).iteration()).isEqualTo(Runs.ITERATIONS - 1);
            }
        }
    }

    @Test
    void agentArgumentWinsOverPropertiesAndPropertiesAreUsed() {
        try (LandscapeStore s = LandscapeStore.openExisting(store)) {
            assertThat(s.listRuns()).extracting(RunInfo::tags).containsOnly(java.util.List.of("viaProperty"));
            assertThat(s.listRuns()).extracting(r -> r.listenerConfig().get("commitEvery")).containsOnly("5");
        }
    }
}
