package io.github.landscape4j.examples.study;

import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.StudyRecord;
import org.apache.commons.math3.stat.correlation.KendallsCorrelation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The study command end to end in a forked JVM: killed with SIGKILL after its first run, started again it trains
 * only the unfinished runs; the report's correlations are those computed directly from its runs.csv.
 */
class StudyCommandTest {
    /** Smaller than --quick: the chain, not the numbers. */
    static final List<String> ARGS = List.of("--quick", "--train", "120", "--probe", "60", "--hidden", "8",
            "--batches", "20,120", "--epochs", "1");

    @Test
    void resumesAfterAKillAndWritesAReportThatMatchesItsRuns(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Path log1 = dir.resolve("first.txt");
        Process first = start(out, log1);
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.readString(log1).contains("[1/6]"));
        } finally {
            first.destroyForcibly(); // SIGKILL: no shutdown hook runs
            first.waitFor(30, TimeUnit.SECONDS);
        }
        Path log2 = dir.resolve("second.txt");
        Process second = start(out, log2);
        assertThat(second.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String text = Files.readString(log2);
        assertThat(second.exitValue()).as(text).isZero();
        int already = Integer.parseInt(text.replaceAll("(?s).*6 runs planned, (\\d+) already in.*", "$1"));
        assertThat(already).as(text).isBetween(1, 5);
        assertThat(text).contains((6 - already) + " to train", "[6/6]", "ETA", "measure vs loss gap");

        List<String> runs = Files.readAllLines(out.resolve("runs.csv"));
        assertThat(runs).hasSize(7);
        List<String> header = Arrays.asList(runs.get(0).split(","));
        int sharp = header.indexOf("sharpness_eps");
        int gap = header.indexOf("gap");
        double[] x = runs.stream().skip(1).mapToDouble(l -> Double.parseDouble(l.split(",")[sharp])).toArray();
        double[] y = runs.stream().skip(1).mapToDouble(l -> Double.parseDouble(l.split(",")[gap])).toArray();
        String row = Files.readAllLines(out.resolve("correlations.csv")).stream()
                .filter(l -> l.startsWith("sharpness_eps,gap,")).findFirst().orElseThrow();
        assertThat(Double.parseDouble(row.split(",")[3])).isEqualTo(new KendallsCorrelation().correlation(x, y));
        assertThat(out.resolve("report.md")).content().contains("# Study quick", "granulated τ");
        assertThat(out.resolve("study.json")).exists();
        assertThat(javax.imageio.ImageIO.read(out.resolve("study.png").toFile()).getWidth()).isEqualTo(3 * 520);

        try (LandscapeStore store = LandscapeStore.openExisting(out.resolve("study.db"))) {
            StudyRecord study = store.study("quick").orElseThrow();
            assertThat(study.runs()).hasSize(6);
            List<String> names = new ArrayList<>(store.listRuns().stream().map(RunInfo::name).toList());
            // every finished run is in the store; the one killed mid-way may be there too, unfinished
            assertThat(names).containsAll(study.runs().stream().map(StudyRecord.Run::key).toList());
            assertThat(names.size()).isBetween(6, 7);
        }
    }

    private static Process start(Path out, Path log) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), StudyCommand.class.getName(), "--out", out.toString()));
        cmd.addAll(ARGS);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("OMP_NUM_THREADS", "1"); // as study.sh does
        return pb.start();
    }
}
