package io.github.landscape4j.listener;

import io.github.landscape4j.listener.internal.SnapshotSchedule;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SnapshotScheduleTest {

    @Test
    void budgetSpacesSnapshotsSoTheyTakeTheirShareOfWallTime() {
        SnapshotSchedule s = SnapshotSchedule.parse("budget:10%");
        long ms = 1_000_000L;
        long now = 0;
        long snapshotTime = 0;
        int taken = 0;
        // 10,000 iterations of 10 ms; each snapshot costs 500 ms
        for (int it = 0; it < 10_000; it++) {
            now += 10 * ms;
            if (s.dueAtIteration(it, now)) {
                now += 500 * ms;
                snapshotTime += 500 * ms;
                s.taken(500 * ms, now);
                taken++;
            }
        }
        double share = (double) snapshotTime / now;
        // the first snapshot is taken at once, so a finite run may exceed the share by one snapshot's cost
        assertThat(share).isBetween(0.095, 0.10 + 500.0 * ms / now);
        assertThat(taken).isBetween(20, 23); // 100 s of training at 10% => ~11.1 s of snapshots
    }

    @Test
    void everyAndEpochAndOff() {
        SnapshotSchedule every = SnapshotSchedule.parse("every:5");
        assertThat(every.dueAtIteration(10, 0)).isTrue();
        assertThat(every.dueAtIteration(11, 0)).isFalse();
        assertThat(SnapshotSchedule.parse("epoch").dueAtEpochEnd()).isTrue();
        assertThat(SnapshotSchedule.parse("epoch").dueAtIteration(0, 0)).isFalse();
        assertThat(SnapshotSchedule.parse("off").dueAtIteration(0, Long.MAX_VALUE)).isFalse();
        assertThat(SnapshotSchedule.parse("every:0")).isNull();
        assertThat(SnapshotSchedule.parse("budget:0%")).isNull();
        assertThat(SnapshotSchedule.parse("budget:150%")).isNull();
        assertThat(SnapshotSchedule.parse("sometimes")).isNull();
    }
}
