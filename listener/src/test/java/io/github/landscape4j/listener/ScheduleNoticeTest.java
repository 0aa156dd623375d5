package io.github.landscape4j.listener;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** A schedule that can never fire in a run says so once, as the run ends. */
class ScheduleNoticeTest {

    private static String stderrOf(Path store, String schedule, int batches) throws Exception {
        return stderrOf(store, schedule, batches, 2000);
    }

    private static String stderrOf(Path store, String schedule, int batches, int probeSize) throws Exception {
        return Stderr.of(() -> {
            MultiLayerNetwork net = TestNets.mlpSgd(0.1);
            try (LandscapeListener l = LandscapeListener.builder().store(store).snapshot(schedule)
                    .probeSize(probeSize).build()) {
                net.setListeners(l);
                TestNets.train(net, TestNets.data(batches, 16, 20, 4), 1);
            }
        });
    }

    @Test
    void everyNLongerThanTheRunIsSaidOnce(@TempDir Path dir) throws Exception {
        String err = stderrOf(dir.resolve("a.db"), "every:100", 5);
        assertThat(err).contains("snapshot=every:100 never fired: the run ended at iteration");
        assertThat(err.split("never fired", -1)).hasSize(2);
        assertThat(stderrOf(dir.resolve("b.db"), "every:2", 5)).doesNotContain("never fired");
    }

    /** every:N fires at iteration 0 when the probe is full by then: that run's schedule did fire. */
    @Test
    void aScheduleThatFiredAtIterationZeroIsNotSaidToHaveNeverFired(@TempDir Path dir) throws Exception {
        String err = stderrOf(dir.resolve("c.db"), "every:100", 5, 16);
        assertThat(err).doesNotContain("never fired");
    }
}
