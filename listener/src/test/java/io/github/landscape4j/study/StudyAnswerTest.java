package io.github.landscape4j.study;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Holm's step-down adjustment against values worked by hand (as R's {@code p.adjust(p, "holm")} gives them). */
class StudyAnswerTest {

    @Test
    void holmAdjustsInTheInputsOrder() {
        // sorted: 0.005, 0.01, 0.03, 0.04 -> 4·0.005, 3·0.01, max(0.03, 2·0.03), max(0.06, 1·0.04)
        double[] adjusted = StudyAnswer.holm(new double[]{0.01, 0.04, 0.03, 0.005});
        assertThat(adjusted[0]).isCloseTo(0.03, within(1e-12));
        assertThat(adjusted[1]).isCloseTo(0.06, within(1e-12));
        assertThat(adjusted[2]).isCloseTo(0.06, within(1e-12));
        assertThat(adjusted[3]).isCloseTo(0.02, within(1e-12));
    }

    @Test
    void holmNeverPassesOneAndKeepsTheOrder() {
        double[] adjusted = StudyAnswer.holm(new double[]{0.5, 0.2, 0.9, 0.001, 0.3});
        assertThat(adjusted).containsExactly(new double[]{1.0, 0.8, 1.0, 0.005, 0.9}, within(1e-12));
        assertThat(StudyAnswer.holm(new double[0])).isEmpty();
        assertThat(StudyAnswer.holm(new double[]{0.04})).containsExactly(0.04);
    }
}
