package io.github.landscape4j.examples.agent;

import io.github.landscape4j.examples.bench.ChildJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad agent options: one line on stderr naming key, value and what is allowed; the program runs unchanged. */
class AgentArgumentsTest {

    @TempDir
    Path dir;

    @Test
    void badValueAndUnknownKeyLeaveTheProgramUnchanged() throws Exception {
        Path store = dir.resolve("never.db");
        ChildJvm.Result run = Runs.withAgent(dir, "store=" + store + ",every=0,colour=blue");

        assertUnchanged(run);
        List<String> message = Runs.newStderrLines(run);
        assertThat(message).hasSize(1);
        assertThat(message.get(0)).startsWith("landscape4j agent: off, the program runs without it")
                .contains("every=0: must be auto or an integer in [1, 1000000]")
                .contains("colour=blue: unknown option; known options: store, run");
        assertThat(store).doesNotExist();
    }

    @Test
    void unwritableStoreLeavesTheProgramUnchanged() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("a-file"), "x");
        Path store = notADirectory.resolve("runs.db");
        ChildJvm.Result run = Runs.withAgent(dir, "store=" + store);

        assertUnchanged(run);
        assertThat(Runs.newStderrLines(run)).singleElement().asString()
                .contains("store=" + store + ": cannot be created: " + notADirectory + " is not a writable directory");
    }

    @Test
    void aStoreFileThatIsNotAStoreLeavesTheProgramUnchanged() throws Exception {
        // premain cannot tell (it does not open MapDB): the first run's writer thread finds out, off the fit loop
        Path store = Files.writeString(dir.resolve("not-a-store.db"), "just some text, not MapDB");
        ChildJvm.Result run = Runs.withAgent(dir, "store=" + store);

        assertUnchanged(run);
        assertThat(Runs.newStderrLines(run)).anySatisfy(line -> assertThat(line)
                .startsWith("landscape4j agent: off after a fault while opening the store " + store.toAbsolutePath()));
        assertThat(Files.readString(store)).isEqualTo("just some text, not MapDB");
    }

    private static void assertUnchanged(ChildJvm.Result run) throws Exception {
        ChildJvm.Result baseline = Runs.baseline();
        assertThat(run.exitCode()).isEqualTo(baseline.exitCode());
        assertThat(run.stdout()).isEqualTo(baseline.stdout());
    }
}
