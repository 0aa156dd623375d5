package io.github.landscape4j.listener;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The options are declared once ({@link ConfigOption} with its {@link OptionValues}): the option table
 * (docs/options.md, linked from the README) lists every option with its default and the values it allows, and the
 * parser's messages say the same.
 */
class ReadmeOptionsTest {
    @Test
    void everyOptionIsDocumentedWithItsDefaultAndAllowedValues() throws Exception {
        String readme = Files.readString(Path.of("..", "docs", "options.md"));
        for (ConfigOption o : ConfigOption.values()) {
            String def = o.defaultValue().isEmpty() ? "(none)" : "`" + o.defaultValue() + "`";
            String head = "| `" + o.key() + "` | " + def + " |";
            assertThat(readme).as("docs/options.md row of option %s", o.key()).contains(head);
            int at = readme.indexOf(head);
            String row = readme.substring(at, readme.indexOf('\n', at));
            OptionValues allowed = o.allowed();
            if (!allowed.range().isEmpty() && allowed.text().isEmpty()) {
                assertThat(row).as("docs/options.md row of %s gives its range", o.key()).contains(allowed.range());
            }
            for (String choice : allowed.kind() == OptionValues.Kind.CHOICE ? allowed.choices() : java.util.List.<String>of()) {
                assertThat(row).as("docs/options.md row of %s names %s", o.key(), choice).contains("`" + choice + "`");
            }
        }
    }

    @Test
    void theParserSaysWhatTheOptionDeclares() {
        for (ConfigOption o : ConfigOption.values()) {
            if (o.allowed().kind() == OptionValues.Kind.INTEGER || o.allowed().kind() == OptionValues.Kind.CHOICE
                    || o.allowed().kind() == OptionValues.Kind.BOOLEAN) {
                assertThatThrownBy(() -> LandscapeConfig.parse(Map.of(o.key(), "x1")))
                        .as(o.key()).isInstanceOf(InvalidConfigException.class)
                        .hasMessageContaining(o.key() + "=x1: must be " + o.allowed().allowed());
                assertThat(o.description()).endsWith(o.allowed().allowed());
            }
        }
    }
}
