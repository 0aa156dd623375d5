package io.github.landscape4j.listener.internal;

import io.github.landscape4j.listener.LandscapeConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code every=auto} on given timings: a row costing more than 0.25% of the time between iterations doubles the
 * interval until it fits; once rows cost under a quarter of that, it halves again; a fixed {@code every=N} never
 * moves.
 */
class CadenceTest {
    private static final long STEP = 4_000_000L; // 4 ms between iterations

    /** Runs {@code iterations} iterations whose rows cost {@code rowNanos}; returns the next iteration. */
    private static long run(Cadence c, long from, int iterations, long rowNanos, long[] clock) {
        long i = from;
        for (; i < from + iterations; i++) {
            clock[0] += STEP;
            c.stepEnded(clock[0]);
            if (c.due(i)) {
                c.spent(rowNanos / 2, false); // the gradient part
                c.spent(rowNanos - rowNanos / 2, true);
            }
        }
        return i;
    }

    @Test
    void autoDoublesUntilARowFitsAndComesBackWhenRowsGetCheap() {
        Cadence c = new Cadence(LandscapeConfig.AUTO, "run");
        long[] clock = {0};
        assertThat(c.interval()).isEqualTo(1);
        // 36 µs a row on a 4 ms step: 0.9%; under 0.25% at every 4th iteration
        long i = run(c, 0, 1000, 36_000, clock);
        assertThat(c.interval()).isEqualTo(4);
        i = run(c, i, 1000, 36_000, clock);
        assertThat(c.interval()).as("stays where the row fits").isEqualTo(4);
        // rows get cheap (2 µs: 0.05% a row): back to every iteration
        run(c, i, 2000, 2_000, clock);
        assertThat(c.interval()).isEqualTo(1);
    }

    @Test
    void autoKeepsEveryIterationWhenARowIsCheap() {
        Cadence c = new Cadence(LandscapeConfig.AUTO, "run");
        run(c, 0, 2000, 8_000, new long[]{0}); // 0.2% of the step
        assertThat(c.interval()).isEqualTo(1);
    }

    @Test
    void autoStopsAtEveryMaxInterval() {
        Cadence c = new Cadence(LandscapeConfig.AUTO, "run");
        run(c, 0, 20_000, 2_000_000, new long[]{0}); // a row as long as half a step
        assertThat(c.interval()).isEqualTo(Cadence.MAX_INTERVAL);
    }

    @Test
    void aFixedCadenceNeverMoves() {
        Cadence c = new Cadence(3, "run");
        run(c, 0, 2000, 2_000_000, new long[]{0});
        assertThat(c.interval()).isEqualTo(3);
        assertThat(c.due(6)).isTrue();
        assertThat(c.due(7)).isFalse();
    }
}
