package io.github.landscape4j.study.internal;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class StatisticsTest {

    @Test
    void kendallOfKnownPermutations() {
        double[] x = {1, 2, 3, 4, 5};
        // one swapped neighbour pair: 9 concordant, 1 discordant of 10 pairs
        assertThat(Statistics.kendall(x, new double[]{1, 2, 3, 5, 4})).isCloseTo(0.8, within(1e-12));
        assertThat(Statistics.kendall(x, new double[]{5, 4, 3, 2, 1})).isCloseTo(-1, within(1e-12));
        // 2,1,4,3: 4 concordant, 2 discordant of 6
        assertThat(Statistics.kendall(new double[]{1, 2, 3, 4}, new double[]{2, 1, 4, 3}))
                .isCloseTo(1.0 / 3, within(1e-12));
        assertThat(Statistics.kendall(x, new double[]{7, 7, 7, 7, 7})).isNaN();
    }

    @Test
    void spearmanOfAKnownPermutation() {
        // sum of squared rank differences 2: 1 - 6*2/(5*24)
        assertThat(Statistics.spearman(new double[]{1, 2, 3, 4, 5}, new double[]{10, 20, 30, 50, 40}))
                .isCloseTo(0.9, within(1e-12));
    }

    @Test
    void permutationPOfAPerfectOrderOfFourIsTwoIn24() {
        // of the 24 orders of 4 values exactly 2 reach |τ| = 1
        double p = Statistics.permutationP(new double[]{1, 2, 3, 4}, new double[]{1, 2, 3, 4}, Statistics::kendall,
                40_000, new Random(1));
        assertThat(p).isCloseTo(2.0 / 24, within(0.006));
    }

    @Test
    void permutationPFindsAPlantedCorrelationAndNotAnAbsentOne() {
        Random r = new Random(3);
        int n = 40;
        double[] x = new double[n];
        double[] planted = new double[n];
        double[] independent = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextGaussian();
            planted[i] = x[i] + 0.5 * r.nextGaussian();
            independent[i] = r.nextGaussian();
        }
        assertThat(Statistics.permutationP(x, planted, Statistics::kendall, 2000, new Random(1))).isLessThan(0.001);
        assertThat(Statistics.permutationP(x, planted, Statistics::spearman, 2000, new Random(1))).isLessThan(0.001);
        assertThat(Statistics.permutationP(x, independent, Statistics::kendall, 2000, new Random(1)))
                .isGreaterThan(0.1);
    }

    @Test
    void bootstrapIntervalOfAPerfectOrderIsOneAndOtherwiseHoldsTheEstimate() {
        double[] x = {1, 2, 3, 4, 5, 6, 7, 8};
        assertThat(Statistics.bootstrap(x, x, Statistics::kendall, 500, new Random(1))).containsExactly(1, 1);
        double[] y = {2, 1, 3, 5, 4, 8, 6, 7};
        double[] ci = Statistics.bootstrap(x, y, Statistics::kendall, 2000, new Random(1));
        double tau = Statistics.kendall(x, y);
        assertThat(ci[0]).isLessThan(tau);
        assertThat(ci[1]).isGreaterThan(tau).isLessThanOrEqualTo(1);
    }

    @Test
    void granulatedTauOfATwoByTwoGrid() {
        // axis a: τ = +1 within both b groups; axis b: -1 within a=0, +1 within a=1
        List<Map<String, String>> s = List.of(Map.of("a", "0", "b", "0"), Map.of("a", "1", "b", "0"),
                Map.of("a", "0", "b", "1"), Map.of("a", "1", "b", "1"));
        double[] x = {1, 2, 3, 4};
        double[] y = {1, 2, 0, 5};
        Map<String, Double> byAxis = Statistics.tauByAxis(s, x, y, List.of("a", "b"));
        assertThat(byAxis).containsEntry("a", 1.0).containsEntry("b", 0.0);
        assertThat(Statistics.granulated(byAxis)).isEqualTo(0.5);
    }
}
