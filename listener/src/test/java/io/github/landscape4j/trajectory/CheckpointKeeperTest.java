package io.github.landscape4j.trajectory;

import io.github.landscape4j.trajectory.internal.CheckpointKeeper;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CheckpointKeeperTest {

    @Test
    void keepsAnEvenlySpacedBoundedSetOverALongRun() {
        CheckpointKeeper keeper = new CheckpointKeeper(5, 8);
        List<Long> dropped = new ArrayList<>();
        for (long it = 0; it <= 10_000; it++) {
            if (keeper.due(it)) {
                keeper.add(new CheckpointKeeper.Kept(it, 0, null)).forEach(k -> dropped.add(k.iteration()));
            }
            assertThat(keeper.kept().size()).isLessThanOrEqualTo(8);
        }
        List<Long> kept = keeper.kept().stream().map(CheckpointKeeper.Kept::iteration).toList();
        long interval = keeper.interval();
        assertThat(interval).isEqualTo(5L << 8); // 5 * 2^8 = 1280: 10000/1280 = 7 kept
        assertThat(kept).containsExactly(1280L, 2560L, 3840L, 5120L, 6400L, 7680L, 8960L);
        assertThat(dropped).doesNotContainAnyElementsOf(kept);
    }
}
