package io.github.landscape4j.agent.internal;

import io.github.landscape4j.listener.ConfigOption;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's agent section gives the agent line and names every key the agent accepts. */
class AgentReadmeTest {

    @Test
    void agentSectionListsEveryKey() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf("## The agent line");
        assertThat(start).as("README section '## The agent line'").isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);
        assertThat(section).contains("java -javaagent:agent/target/landscape4j-agent-")
                .contains("| `store` | `" + AgentOptions.DEFAULT_STORE + "` in the working directory |");
        for (ConfigOption o : ConfigOption.values()) {
            assertThat(section).as("agent section names key %s", o.key()).contains("`" + o.key() + "`");
        }
    }
}
