package io.github.landscape4j.store;

import io.github.landscape4j.listener.LandscapeListener;
import io.github.landscape4j.listener.Stderr;
import io.github.landscape4j.listener.TestNets;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The store's directory stops taking new files under a running listener (MapDB creates its log, FILE.wal.N, beside
 * the file at every commit). Made with {@code chattr +i}, which binds root too (tests run as root in CI, where
 * permissions would not): one warning line naming the file and the system's reason, no stack trace, and what was
 * committed before opens. Opening a store there says why it cannot be written.
 */
class ReadOnlyDirectoryTest {

    @TempDir
    Path dir;

    @AfterEach
    void writableAgain() throws Exception {
        chattr("-i");
    }

    private boolean chattr(String flag) throws Exception {
        Process p = new ProcessBuilder("chattr", flag, dir.toString()).redirectErrorStream(true).start();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    @Test
    void aDirectoryThatTakesNoNewFilesStopsRecordingWithOneLine() throws Exception {
        Path file = dir.resolve("ro.db");
        List<DataSet> data = TestNets.data(20, 8, 20, 6);
        MultiLayerNetwork net = TestNets.mlpSgd(0.1);
        LandscapeListener listener = LandscapeListener.builder().store(file).commitEvery(1).snapshot("off").build();
        net.setListeners(listener);
        TestNets.train(net, data.subList(0, 10), 1);
        listener.flush();
        assumeTrue(chattr("+i"), "chattr +i needs root and a file system that has it (ext4, xfs, btrfs)");

        String log = Stderr.of(() -> {
            TestNets.train(net, data.subList(10, 20), 1);
            listener.flush();
            listener.close();
        });
        List<String> lines = log.lines().filter(l -> !l.isBlank()).toList();
        assertThat(listener.faulted()).isTrue();
        assertThat(lines).as(String.join("\n", lines)).filteredOn(l -> l.contains(file.toString())).hasSize(1)
                .allMatch(l -> l.contains("could not write to") && l.contains("Operation not permitted"));
        assertThat(lines).as(String.join("\n", lines)).noneMatch(l -> l.startsWith("\tat ")
                || l.contains("Exception"));
        try (LandscapeStore s = LandscapeStore.openExisting(file)) {
            assertThat(s.listRuns()).hasSize(1);
            assertThat(s.scalars(s.listRuns().get(0).runId()).iteration()).hasSizeGreaterThanOrEqualTo(10);
        }
        for (Path target : List.of(file, dir.resolve("new.db"))) { // the file itself is writable; its directory not
            assertThatThrownBy(() -> LandscapeStore.open(target)).isInstanceOf(StoreException.class)
                    .hasMessageContaining(target.toString()).hasMessageContaining("is not writable")
                    .hasMessageContaining(".wal.N");
        }
    }
}
