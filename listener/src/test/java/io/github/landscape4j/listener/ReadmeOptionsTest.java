package io.github.landscape4j.listener;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's option table lists every option with its default. */
class ReadmeOptionsTest {
    @Test
    void everyOptionIsDocumentedWithItsDefault() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        for (ConfigOption o : ConfigOption.values()) {
            String def = o.defaultValue().isEmpty() ? "(none)" : "`" + o.defaultValue() + "`";
            assertThat(readme).as("README row of option %s", o.key()).contains("| `" + o.key() + "` | " + def + " |");
        }
    }
}
