package io.github.landscape4j.examples.cli;

import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.store.Surface;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code examples/landscape.sh ... --spark local[2]}, run as a user runs it (the script puts Spark on the class path
 * of its own JVM; never on this one, which has the UI): the snapshot written equals the same command's without
 * {@code --spark} bit for bit, for the random and PCA planes of a recorded run in a real MapDB store.
 */
class OfflineSparkTest {

    private static String landscape(Path log, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", Path.of("landscape.sh").toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("landscape.sh ended").isTrue();
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    @Test
    void theSparkCommandWritesTheSameSnapshotBitForBit(@TempDir Path dir) throws Exception {
        OfflineSnapshotTest.Recorded rec = OfflineSnapshotTest.Recorded.in(dir);
        Path runs = rec.runs();
        String runId = rec.runId();
        Path probes = rec.probes();

        String[] common = {"--store", runs.toString(), "--run", runId, "--data", "npy:" + probes, "--grid", "21",
                "--planes", "random+pca", "--options", "hessianIterations=3;hutchinson=1;ascentSteps=2;sharpnessK=2"};
        Path plain = dir.resolve("plain.db");
        Path spark = dir.resolve("spark.db");
        landscape(dir.resolve("plain.log"), concat(common, "--out", plain.toString()));
        String out = landscape(dir.resolve("spark.log"), concat(common, "--out", spark.toString(), "--spark",
                "local[2]"));
        assertThat(out).contains("21x21 snapshot of " + runId).contains("on Spark local[2]");

        Snapshot a = only(plain);
        Snapshot b = only(spark);
        assertThat(b.surfaces()).extracting(Surface::plane).containsExactly("random", "pca");
        io.github.landscape4j.engine.shard.SameSnapshot.assertBitForBit(b, a);
        try (LandscapeStore s = LandscapeStore.openExisting(spark)) {
            RunInfo info = s.listRuns().get(0);
            assertThat(info.listenerConfig()).containsEntry("spark", "local[2]");
        }
    }

    private static Snapshot only(Path store) {
        try (LandscapeStore s = LandscapeStore.openExisting(store)) {
            List<RunInfo> runs = s.listRuns();
            assertThat(runs).hasSize(1);
            return s.snapshots(runs.get(0).runId()).get(0);
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
