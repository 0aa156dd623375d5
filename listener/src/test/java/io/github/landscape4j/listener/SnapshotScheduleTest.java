package io.github.landscape4j.listener;

import io.github.landscape4j.engine.SnapshotLevel;
import io.github.landscape4j.engine.internal.Calibration;
import io.github.landscape4j.listener.internal.SnapshotSchedule;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The schedule's decisions on a fake clock (nanoseconds), with the engine's level choice simulated. */
class SnapshotScheduleTest {

    private static final long MS = 1_000_000L;

    /** A fake clock the test moves by hand. */
    private static final class FakeClock {
        long now;

        long get() {
            return now;
        }
    }

    /** One snapshot the simulation took: when it started, its level, what it cost. */
    private record Taken(long startNanos, SnapshotLevel level, long costNanos, boolean last) {
    }

    /**
     * A run of {@code iterations} iterations of {@code stepMs} where a snapshot of each level costs {@code costsMs}
     * (full, medium, coarse, quick) and measuring the costs (the engine's warm calibration) {@code calibrationMs}. The
     * simulated engine does what LandscapeEngine does: it calibrates at its first attempt, takes the richest level
     * that fits the limit, and gives up at once when not even the quickest does. Ends with the final snapshot.
     */
    private record Simulation(long wallNanos, long snapshotNanos, List<Taken> taken, int abandoned,
                              long worstOvershootNanos) {
        static Simulation run(String schedule, int iterations, long stepMs, long[] costsMs, long calibrationMs) {
            FakeClock clock = new FakeClock();
            SnapshotSchedule s = SnapshotSchedule.parse(schedule, new SnapshotSchedule.Budget(clock::get));
            long spent = 0;
            List<Taken> taken = new ArrayList<>();
            int abandoned = 0;
            long overshoot = 0;
            boolean calibrated = false;
            long[] costs = new long[costsMs.length];
            for (int i = 0; i < costs.length; i++) {
                costs[i] = costsMs[i] * MS;
            }
            for (int it = 0; it <= iterations; it++) {
                boolean last = it == iterations;
                if (!last) {
                    clock.now += stepMs * MS;
                }
                if (last || s.dueAtIteration(it)) {
                    long start = clock.now;
                    long levelNanos = last ? s.finalLevelNanos(60_000 * MS) : s.limitNanos();
                    long limit = last ? Long.MAX_VALUE : s.limitNanos();
                    long cost = calibrated ? 0 : calibrationMs * MS;
                    calibrated = true;
                    SnapshotLevel chosen = SnapshotLevel.GLANCE;
                    for (SnapshotLevel l : SnapshotLevel.values()) {
                        if (cost + costs[l.ordinal()] <= levelNanos) {
                            chosen = l;
                            break;
                        }
                    }
                    if (cost + costs[chosen.ordinal()] > limit) {
                        clock.now += cost;
                        spent += cost;
                        s.abandoned(cost);
                        abandoned++;
                    } else {
                        cost += costs[chosen.ordinal()];
                        clock.now += cost;
                        spent += cost;
                        s.taken(cost, chosen);
                        taken.add(new Taken(start, chosen, cost, last));
                    }
                    s.costs(costs);
                }
                if (!last) { // the final snapshot is taken whatever the budget
                    overshoot = Math.max(overshoot, spent - (long) (0.10 * clock.now));
                }
            }
            return new Simulation(clock.now, spent, taken, abandoned, overshoot);
        }

        List<Taken> duringTraining() {
            return taken.stream().filter(t -> !t.last()).toList();
        }
    }

    private static final long[] MLP = {2_000, 400, 60, 12, 6}; // full, medium, coarse, quick, glance, in ms

    @Test
    void duringTrainingSnapshotsStayWithinTheirShareOfWallTimeAtEveryMoment() {
        // 100 s of 10 ms iterations
        Simulation r = Simulation.run("budget:10%", 10_000, 10, MLP, 5);
        List<Taken> during = r.duringTraining();
        long spentDuring = during.stream().mapToLong(Taken::costNanos).sum() + 5 * MS;
        Taken last = during.get(during.size() - 1);
        assertThat((double) spentDuring / (last.startNanos() + last.costNanos())).isLessThanOrEqualTo(0.10);
        // the worst overshoot during training is one calibration (nothing is known before it)
        assertThat(r.worstOvershootNanos()).isLessThanOrEqualTo(5 * MS);
        assertThat(r.abandoned()).isLessThanOrEqualTo(1);
    }

    @Test
    void aRunGetsAGlanceFirstEarlyAndRefinesToFullSnapshotsAsItsBudgetGrows() {
        Simulation r = Simulation.run("budget:10%", 10_000, 10, MLP, 5);
        List<Taken> during = r.duringTraining();
        assertThat(during.get(0).level()).isEqualTo(SnapshotLevel.GLANCE);
        assertThat(during.get(0).startNanos()).isLessThan(1_000 * MS);
        // each level at most as rich as the one after it until full ones are reached
        for (int i = 1; i < during.size(); i++) {
            assertThat(during.get(i).level().ordinal()).as("snapshot %d", i)
                    .isLessThanOrEqualTo(during.get(i - 1).level().ordinal());
        }
        assertThat(during).filteredOn(t -> t.level() == SnapshotLevel.FULL).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void aTwentySecondRunGetsItsFirstInItsFirstQuarterAndAtLeastThree() {
        // an LSTM-like model: a full snapshot costs 60 s, a quick one 1 s, a glance 250 ms
        Simulation r = Simulation.run("budget:10%", 2_000, 10, new long[]{60_000, 12_000, 3_000, 1_000, 250}, 150);
        List<Taken> during = r.duringTraining();
        assertThat(during).hasSizeGreaterThanOrEqualTo(3);
        assertThat(during.get(0).startNanos()).isLessThanOrEqualTo(r.wallNanos() / 4);
        assertThat(r.taken().get(r.taken().size() - 1).last()).isTrue();
    }

    @Test
    void theFinalSnapshotIsTakenWhateverTheBudgetAtTheLevelThatFitsItsCap() {
        // 2 s of training: even the cheapest snapshot of this model does not fit 10% of it
        Simulation r = Simulation.run("budget:10%", 200, 10, new long[]{30_000, 6_000, 1_200, 300, 250}, 30);
        assertThat(r.duringTraining()).isEmpty();
        assertThat(r.taken()).hasSize(1);
        assertThat(r.taken().get(0).level()).as("30 s fits the 60 s cap").isEqualTo(SnapshotLevel.FULL);
        FakeClock clock = new FakeClock();
        SnapshotSchedule s = SnapshotSchedule.parse("budget:10%", new SnapshotSchedule.Budget(clock::get));
        clock.now = 1_000_000 * MS;
        assertThat(s.finalLevelNanos(60_000 * MS)).as("the budget's room when longer than the cap")
                .isCloseTo(111_111 * MS, within(MS));
        assertThat(SnapshotSchedule.parse("every:5").finalLevelNanos(60_000 * MS)).as("full, unbounded").isZero();
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
        a.taken(1_000 * MS, SnapshotLevel.FULL);
        a.costs(new long[]{1_000 * MS, 500 * MS, 200 * MS, 150 * MS, 120 * MS});
        // b's room shrank by what a spent: 10% of 11 s minus 1 s, over 0.9
        assertThat(b.limitNanos()).isCloseTo(111_111_111L, within(10L));
        assertThat(b.dueAtIteration(0)).isTrue(); // b knows no cost yet: any room lets its engine measure
        assertThat(a.dueAtIteration(0)).isFalse(); // not even a's cheapest (120 ms) fits
    }

    @Test
    void aColdFirstEvaluationDoesNotStarveTheSchedule() {
        // the first evaluation takes 2 s (JIT, fresh memory), later ones 2 ms: the warm-up throws the first away
        long[] calls = {0};
        Calibration c = new Calibration();
        c.warmUp(() -> sleep(calls[0]++ == 0 ? 2_000 : 2), 64, () -> sleep(8), 256);
        long quick = c.predict(SnapshotLevel.QUICK, 50, 64);
        assertThat(quick).as("50 warm evaluations of 64 examples, about 2 ms each").isBetween(50 * MS, 500 * MS);
        // a real snapshot's timing replaces the prediction for its level, and stands in for the others
        c.taken(SnapshotLevel.QUICK, 50, 64, 50 * MS);
        assertThat(c.predict(SnapshotLevel.QUICK, 50, 64)).isCloseTo(50 * MS, within(1_000L));
        assertThat(c.predict(SnapshotLevel.FULL, 50, 64)).isCloseTo(50 * MS, within(1_000L));
        // an abandoned one raises its level's estimate, not the others'
        c.taken(SnapshotLevel.FULL, 50, 64, 40 * MS);
        c.atLeast(SnapshotLevel.QUICK, 50, 64, 200 * MS);
        assertThat(c.predict(SnapshotLevel.QUICK, 50, 64)).isCloseTo(200 * MS, within(1_000L));
        assertThat(c.predict(SnapshotLevel.FULL, 50, 64)).isCloseTo(40 * MS, within(1_000L));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void everyAndEpochAndOff() {
        SnapshotSchedule every = SnapshotSchedule.parse("every:5");
        assertThat(every.dueAtIteration(10)).isTrue();
        assertThat(every.dueAtIteration(11)).isFalse();
        assertThat(every.limitNanos()).isEqualTo(Long.MAX_VALUE);
        assertThat(SnapshotSchedule.parse("epoch").dueAtEpochEnd()).isTrue();
        assertThat(SnapshotSchedule.parse("epoch").dueAtIteration(0)).isFalse();
        assertThat(SnapshotSchedule.parse("off").dueAtIteration(0)).isFalse();
        assertThat(SnapshotSchedule.parse("every:0")).isNull();
        assertThat(SnapshotSchedule.parse("budget:0%")).isNull();
        assertThat(SnapshotSchedule.parse("budget:150%")).isNull();
        assertThat(SnapshotSchedule.parse("sometimes")).isNull();
    }

    /** Steps made outside fit move the iteration count several at a time: every:N is due across a multiple of N. */
    @Test
    void everyAcrossAMultipleOfN() {
        SnapshotSchedule every = SnapshotSchedule.parse("every:4");
        assertThat(every.dueBetween(-1, 0)).isTrue();
        assertThat(every.dueBetween(3, 6)).isTrue();
        assertThat(every.dueBetween(6, 7)).isFalse();
        assertThat(every.dueBetween(12, 15)).isFalse();
        for (long i = 0; i < 20; i++) { // consecutive steps: as dueAtIteration
            assertThat(every.dueBetween(i - 1, i)).isEqualTo(every.dueAtIteration(i));
        }
        assertThat(SnapshotSchedule.parse("epoch").dueBetween(0, 10)).isFalse();
    }

    /** "Never fired" only for a run with no snapshot; one with snapshots from outside the schedule says so. */
    @Test
    void neverFiredIsNotSaidOfARunWithSnapshots() {
        SnapshotSchedule every = SnapshotSchedule.parse("every:100");
        assertThat(every.neverFired("every:100", 4, 0, 0, false, false)).hasValue("snapshot=every:100 never fired:"
                + " the run ended at iteration 4; choose a smaller N or snapshot=budget:P%");
        assertThat(every.neverFired("every:100", 4, 0, 2, false, false)).hasValueSatisfying(m -> assertThat(m)
                .startsWith("snapshot=every:100 made none of this run's snapshots due: the run ended at iteration 4;"
                        + " its 2 snapshots were taken outside the schedule").doesNotContain("never fired"));
        assertThat(every.neverFired("every:100", 4, 0, 1, false, true)).isEmpty();
        SnapshotSchedule epoch = SnapshotSchedule.parse("epoch");
        assertThat(epoch.neverFired("epoch", 9, 0, 0, false, false)).hasValueSatisfying(m -> assertThat(m)
                .startsWith("snapshot=epoch never fired: the fit loop reported no epoch ends"));
        assertThat(epoch.neverFired("epoch", 9, 0, 1, false, false)).hasValueSatisfying(m -> assertThat(m)
                .startsWith("snapshot=epoch made none of this run's snapshots due").doesNotContain("never fired"));
    }
}
