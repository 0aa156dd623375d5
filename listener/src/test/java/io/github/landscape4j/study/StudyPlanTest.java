package io.github.landscape4j.study;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StudyPlanTest {

    @Test
    void aGridHasEveryCombinationAndNamesItsVaryingAxes() {
        StudyPlan p = StudyPlan.builder().seeds(1, 2, 3).batchSizes(64, 4096).optimizers(Optimizer.values())
                .weightDecays(0, 5e-4).grid();
        assertThat(p.runs()).hasSize(24).doesNotHaveDuplicates();
        assertThat(p.grid()).isTrue();
        assertThat(p.varying()).containsOnlyKeys("seed", "batch", "optimizer", "weight_decay");
        assertThat(p.runs().get(1).key()).isEqualTo("s1_b64_sgd_lr0.001_wd0.0005_do0_e1");
    }

    @Test
    void aRandomSampleIsSeededAndDistinct() {
        StudyPlan.Builder b = StudyPlan.builder().seeds(1, 2, 3, 4).batchSizes(32, 64, 128).learningRates(0.1, 0.01);
        StudyPlan p = b.random(10, 5);
        assertThat(p.runs()).hasSize(10).doesNotHaveDuplicates().isEqualTo(b.random(10, 5).runs());
        assertThat(p.grid()).isFalse();
        assertThatThrownBy(() -> b.random(25, 5)).hasMessageContaining("must be 1..24");
    }

    @Test
    void badSettingsAreNamed() {
        assertThatThrownBy(() -> StudyPlan.builder().dropouts(1.0).grid()).hasMessageContaining("dropout 1.0");
        assertThatThrownBy(() -> StudyPlan.builder().batchSizes()).hasMessageContaining("no batch sizes given");
        assertThatThrownBy(() -> Optimizer.of("rmsprop")).hasMessageContaining("[sgd, adam]");
        assertThatThrownBy(() -> Study.builder("a b")).hasMessageContaining("study name 'a b'");
    }
}
