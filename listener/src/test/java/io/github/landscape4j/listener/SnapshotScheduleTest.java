package io.github.landscape4j.listener;

import io.github.landscape4j.listener.internal.SnapshotSchedule;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The schedule's decisions on a fake clock (nanoseconds). */
class SnapshotScheduleTest {

    private static final long MS = 1_000_000L;

    /** A fake clock the test moves by hand. */
    private static final class FakeClock {
        long now;

        long get() {
            return now;
        }
    }

    /**
     * A run of {@code iterations} iterations of {@code stepMs}, where a snapshot costs {@code snapshotMs} and its
     * first part (which predicts the whole) {@code pilotMs}: the taker abandons after the first part when the
     * prediction exceeds the limit, as SnapshotTaker does. Ends with the final snapshot at close if it is due.
     */
    private record Simulation(long wallNanos, long snapshotNanos, int taken, int abandoned, boolean finalTaken,
                              long worstOvershootNanos) {
        static Simulation run(String schedule, int iterations, long stepMs, long snapshotMs, long pilotMs) {
            FakeClock clock = new FakeClock();
            SnapshotSchedule s = SnapshotSchedule.parse(schedule, new SnapshotSchedule.Budget(clock::get));
            long spent = 0;
            int taken = 0;
            int abandoned = 0;
            long overshoot = 0;
            boolean finalTaken = false;
            for (int it = 0; it <= iterations; it++) {
                boolean last = it == iterations;
                if (!last) {
                    clock.now += stepMs * MS;
                }
                if (last ? s.finalDue() : s.dueAtIteration(it)) {
                    long limit = s.limitNanos();
                    if (snapshotMs * MS > limit) {
                        clock.now += pilotMs * MS;
                        spent += pilotMs * MS;
                        s.abandoned(pilotMs * MS, snapshotMs * MS);
                        abandoned++;
                    } else {
                        clock.now += snapshotMs * MS;
                        spent += snapshotMs * MS;
                        s.taken(snapshotMs * MS);
                        taken++;
                        finalTaken = last;
                    }
                }
                overshoot = Math.max(overshoot, spent - (long) (0.10 * clock.now));
            }
            return new Simulation(clock.now, spent, taken, abandoned, finalTaken, overshoot);
        }
    }

    @Test
    void budgetKeepsSnapshotsWithinTheirShareOfWallTimeAtEveryMoment() {
        // 100 s of 10 ms iterations; a snapshot costs 500 ms, its first part 20 ms
        Simulation r = Simulation.run("budget:10%", 10_000, 10, 500, 20);
        assertThat((double) r.snapshotNanos() / r.wallNanos()).isBetween(0.08, 0.10);
        assertThat(r.taken()).isBetween(19, 22); // ~(100 s + 11 s) * 10% / 500 ms, spaced so every one fits
        // before the first cost is known one first part runs: the worst overshoot is one first part
        assertThat(r.worstOvershootNanos()).isLessThanOrEqualTo(20 * MS);
        assertThat(r.abandoned()).isEqualTo(1);
    }

    @Test
    void aShortRunGetsNoSnapshotThatWouldBreakTheBudgetNotEvenTheFinalOne() {
        // 2 s of training: a 500 ms snapshot would be 20% of it
        Simulation r = Simulation.run("budget:10%", 200, 10, 500, 20);
        assertThat(r.taken()).isZero();
        assertThat(r.finalTaken()).isFalse();
        assertThat(r.snapshotNanos()).isEqualTo(20 * MS); // one first part, abandoned
        assertThat(r.worstOvershootNanos()).isLessThanOrEqualTo(20 * MS);
    }

    @Test
    void theFinalSnapshotIsTakenOnlyWhenItFitsAndIsCounted() {
        FakeClock clock = new FakeClock();
        SnapshotSchedule s = SnapshotSchedule.parse("budget:10%", new SnapshotSchedule.Budget(clock::get));
        clock.now = 9_100 * MS;
        s.taken(900 * MS); // one snapshot during training, ending at 9.1 s
        clock.now = 10_000 * MS;
        assertThat(s.finalDue()).as("900 ms more at 10 s would be 18%").isFalse();
        clock.now = 19_000 * MS;
        assertThat(s.finalDue()).as("at 19 s: 1.8 s of 19.9 s").isTrue();
        clock.now += 900 * MS;
        s.taken(900 * MS);
        assertThat(s.finalDue()).as("a second one right after").isFalse();
        assertThat(s.dueAtIteration(0)).isFalse();
    }

    @Test
    void runsInOneJvmShareOneBudget() {
        FakeClock clock = new FakeClock();
        SnapshotSchedule.Budget budget = new SnapshotSchedule.Budget(clock::get);
        SnapshotSchedule a = SnapshotSchedule.parse("budget:10%", budget);
        SnapshotSchedule b = SnapshotSchedule.parse("budget:10%", budget);
        clock.now = 10_000 * MS;
        assertThat(a.limitNanos()).isEqualTo(b.limitNanos()).isCloseTo(1_111_111_111L, within(10L));
        clock.now += 1_000 * MS;
        a.taken(1_000 * MS);
        // b's room shrank by what a spent: 10% of 11 s minus 1 s, over 0.9
        assertThat(b.limitNanos()).isCloseTo(111_111_111L, within(10L));
        assertThat(b.dueAtIteration(0)).isTrue(); // b has no estimate yet: any room lets its first part run
        assertThat(a.dueAtIteration(0)).isFalse(); // a's estimate (1 s) does not fit
    }

    @Test
    void everyAndEpochAndOff() {
        SnapshotSchedule every = SnapshotSchedule.parse("every:5");
        assertThat(every.dueAtIteration(10)).isTrue();
        assertThat(every.dueAtIteration(11)).isFalse();
        assertThat(every.limitNanos()).isEqualTo(Long.MAX_VALUE);
        assertThat(every.finalDue()).isTrue();
        assertThat(SnapshotSchedule.parse("epoch").dueAtEpochEnd()).isTrue();
        assertThat(SnapshotSchedule.parse("epoch").dueAtIteration(0)).isFalse();
        assertThat(SnapshotSchedule.parse("off").dueAtIteration(0)).isFalse();
        assertThat(SnapshotSchedule.parse("off").finalDue()).isFalse();
        assertThat(SnapshotSchedule.parse("every:0")).isNull();
        assertThat(SnapshotSchedule.parse("budget:0%")).isNull();
        assertThat(SnapshotSchedule.parse("budget:150%")).isNull();
        assertThat(SnapshotSchedule.parse("sometimes")).isNull();
    }
}
