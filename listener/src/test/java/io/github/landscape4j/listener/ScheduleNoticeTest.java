package io.github.landscape4j.listener;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A schedule that can never fire in a run says so once, as the run ends. */
class ScheduleNoticeTest {

    private static String stderrOf(Path store, String schedule, int batches) throws Exception {
        return stderrOf(store, schedule, batches, 2000, false);
    }

    private static String stderrOf(Path store, String schedule, int batches, int probeSize) throws Exception {
        return stderrOf(store, schedule, batches, probeSize, false);
    }

    private static String stderrOf(Path store, String schedule, int batches, int probeSize, boolean snapshotNow)
            throws Exception {
        return Stderr.of(() -> {
            MultiLayerNetwork net = TestNets.mlpSgd(0.1);
            try (LandscapeListener l = LandscapeListener.builder().store(store).snapshot(schedule)
                    .probeSize(probeSize).build()) {
                net.setListeners(l);
                TestNets.train(net, TestNets.data(batches, 16, 20, 4), 1);
                if (snapshotNow) {
                    assertThat(l.snapshotNow(net)).isPresent();
                }
            }
        });
    }

    /**
     * every:N in a run shorter than N: said once as the run ends; its only snapshot, the final one at close, came
     * from outside the schedule, and the notice says so rather than that the schedule "never fired" (the wording
     * for a run with none: {@code SnapshotScheduleTest}).
     */
    @Test
    void everyNLongerThanTheRunIsSaidOnce(@TempDir Path dir) throws Exception {
        String err = stderrOf(dir.resolve("a.db"), "every:100", 5);
        assertThat(err).contains("snapshot=every:100 made none of this run's snapshots due: the run ended at"
                + " iteration 4; its snapshot was taken outside the schedule").doesNotContain("never fired");
        assertThat(err.split("snapshot=every:100", -1)).hasSize(2);
        assertThat(stderrOf(dir.resolve("b.db"), "every:2", 5)).doesNotContain("never fired", "made none");
    }

    /** A snapshot taken with snapshotNow (the probe full at iteration 2, none due by every:100) is one of the run's. */
    @Test
    void aSnapshotTakenWithSnapshotNowIsNotSaidToBeMissing(@TempDir Path dir) throws Exception {
        String err = stderrOf(dir.resolve("now.db"), "every:100", 5, 48, true);
        assertThat(err).contains("snapshot=every:100 made none of this run's snapshots due: the run ended at"
                + " iteration 4; its snapshot was taken outside the schedule").doesNotContain("never fired");
    }

    /** every:N fires at iteration 0 when the probe is full by then: that run's schedule did fire. */
    @Test
    void aScheduleThatFiredAtIterationZeroIsNotSaidToHaveNeverFired(@TempDir Path dir) throws Exception {
        String err = stderrOf(dir.resolve("c.db"), "every:100", 5, 16);
        assertThat(err).doesNotContain("never fired");
    }
}
