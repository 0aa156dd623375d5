package io.github.landscape4j.agent.internal;

import io.github.landscape4j.listener.InvalidConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Agent options: both sources, precedence, defaults, and the one message for everything bad. */
class AgentOptionsTest {

    @TempDir
    Path dir;

    private static Properties props(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    @Test
    void agentArgumentWinsOverSystemProperties() {
        AgentOptions o = AgentOptions.parse("store=" + dir.resolve("a.db") + ", every=5 ,run=fromArg",
                props("landscape4j.every", "7", "landscape4j.tags", "x;y", "landscape4j.store", "ignored.db"));
        assertThat(o.store()).isEqualTo(dir.resolve("a.db"));
        assertThat(o.listenerOptions()).containsEntry("every", "5").containsEntry("run", "fromArg")
                .containsEntry("tags", "x;y").doesNotContainKey("store");
    }

    @Test
    void storeDefaultsToAFileInTheWorkingDirectory() {
        AgentOptions o = AgentOptions.parse(null, new Properties());
        assertThat(o.store()).isEqualTo(Path.of(AgentOptions.DEFAULT_STORE));
        assertThat(o.listenerOptions()).isEmpty();
    }

    @Test
    void otherLandscape4jPropertiesAreLeftToTheirOwners() {
        AgentOptions o = AgentOptions.parse("store=" + dir.resolve("a.db"),
                props("landscape4j.fashionMnist", "/data", "landscape4j.every", "3"));
        assertThat(o.listenerOptions()).containsOnlyKeys("every");
    }

    @Test
    void everyProblemIsListedWithKeyValueAndWhatIsAllowed() {
        assertThatThrownBy(() -> AgentOptions.parse("every=0,colour=blue,justAWord,store=" + dir.resolve("a.db"),
                props("landscape4j.perTensor", "maybe")))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "justAWord: not a key=value pair; the agent argument is key=value pairs separated by ','",
                        "colour=blue: unknown option; known options: " + java.util.Arrays.stream(
                                io.github.landscape4j.listener.ConfigOption.values())
                                .map(io.github.landscape4j.listener.ConfigOption::key)
                                .collect(java.util.stream.Collectors.joining(", ")),
                        "every=0: must be auto or an integer in [1, 1000000]",
                        "perTensor=maybe: must be true or false"));
    }

    @Test
    void storeThatCannotBeCreatedIsABadOption() throws Exception {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        assertThatThrownBy(() -> AgentOptions.parse("store=" + file.resolve("sub/runs.db"), new Properties()))
                .hasMessageContaining("store=" + file.resolve("sub/runs.db") + ": cannot be created: " + file
                        + " is not a writable directory");
        assertThatThrownBy(() -> AgentOptions.parse("store=" + dir, new Properties()))
                .hasMessageContaining("store=" + dir + ": is a directory");
        assertThatThrownBy(() -> AgentOptions.parse("store=", new Properties()))
                .hasMessageContaining("store=: must be the path of a store file");
    }

    @Test
    void offMessageIsOneLine() {
        InvalidConfigException e = new InvalidConfigException(java.util.List.of("every=0: a", "x=1: b"));
        assertThat(AgentOptions.offMessage(e)).doesNotContain("\n")
                .isEqualTo("landscape4j agent: off, the program runs without it; bad options: every=0: a | x=1: b");
    }
}
