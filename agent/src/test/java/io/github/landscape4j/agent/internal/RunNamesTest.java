package io.github.landscape4j.agent.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Agent runs are named after the program's main class (or jar) and the model's number. */
class RunNamesTest {

    @Test
    void mainClassJarAndNothing() {
        assertThat(RunNames.forModel("org.deeplearning4j.examples.quickstart.ModelXOR --epochs 3", 1))
                .isEqualTo("ModelXOR-1");
        assertThat(RunNames.forModel("org.example.Seq2Seq", 2)).isEqualTo("Seq2Seq-2");
        assertThat(RunNames.forModel("/opt/app/train-model.jar arg", 1)).isEqualTo("train-model-1");
        assertThat(RunNames.forModel("mymodule/org.example.Main", 1)).isEqualTo("Main-1");
        assertThat(RunNames.forModel(null, 3)).isEqualTo("run-3");
        assertThat(RunNames.forModel("", 1)).isEqualTo("run-1");
        assertThat(RunNames.program("org.example.Odd$Name")).isEqualTo("Odd_Name");
    }
}
