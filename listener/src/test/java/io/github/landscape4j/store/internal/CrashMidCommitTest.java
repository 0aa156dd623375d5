package io.github.landscape4j.store.internal;

import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.Snapshot;
import io.github.landscape4j.store.StoreFixtures;
import io.github.landscape4j.store.StoreException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A writer killed in the middle of a commit (the JVM halted right after the k-th write of the commit reached the
 * file, for k from the header's write to the last, before MapDB's closing sync) leaves a store that opens, for
 * reading and for writing, with every commit before the killed one whole and nothing of it: byte for byte the file
 * as the last finished commit left it. Without the undo journal (deleted before the halt),
 * the same crashes leave files that do not open or lose records: MapDB 3.0.5 writes the new header first and never
 * replays its log (StudyCommandTest's SIGKILL once left "damaged (ArrayIndexOutOfBoundsException ...)").
 */
class CrashMidCommitTest {
    private static final String RUN = "run-crash";

    @TempDir
    Path dir;

    @Test
    void everyCommitBeforeTheCrashIsKeptWholeWithTheJournal() throws Exception {
        int total = writesOfOneCommit();
        assertThat(total).as("writes of the commit that is cut").isGreaterThan(4);
        List<Integer> cuts = cuts(total);
        for (int k : cuts) {
            Path file = dir.resolve("journal-" + k + ".db");
            assertThat(crash(file, k, "journal")).as("halted at write %d of %d", k, total).isEqualTo(137);
            assertThat(Files.exists(UndoJournal.of(file))).isTrue();
            UndoJournal.recover(file);
            assertThat(Files.readAllBytes(file)).as("rolled back after write %d of %d: the file byte for byte as its"
                    + " last finished commit left it (blocks MapDB had not allocated, not journaled, zeros again)",
                    k, total)
                    .isEqualTo(Files.readAllBytes(CrashingWriter.committedCopy(file)));
            assertThat(readBack(file)).as("file cut at write %d of %d", k, total).isEqualTo("whole");
            assertThat(Files.exists(UndoJournal.of(file))).as("journal removed by the roll-back").isFalse();
            try (LandscapeStore store = LandscapeStore.open(file)) { // the writer's open works after the roll-back
                assertThat(store.snapshotCount(RUN)).as("the cut commit rolled back")
                        .isEqualTo(CrashingWriter.SNAPSHOTS);
                StoreWriter next = StoreFixtures.writer(store.statsStorage(), "run-after", 1, e -> { });
                next.addRow(StoreFixtures.row(0));
                next.close();
                assertThat(next.failed()).isFalse();
            }
            try (LandscapeStore store = LandscapeStore.openExisting(file)) { // and takes new commits
                assertThat(store.listRuns()).hasSize(2);
                assertThat(store.scalars("run-after").size()).isEqualTo(1);
            }
        }
        System.out.printf("landscape4j crash mid-commit: two commits of %d writes in all, cut after each: every file whole%n",
                total);
    }

    @Test
    void withoutTheJournalTheSameCrashesLoseTheFile() throws Exception {
        int total = writesOfOneCommit();
        List<String> outcomes = new ArrayList<>();
        for (int k : cuts(total)) {
            Path file = dir.resolve("bare-" + k + ".db");
            assertThat(crash(file, k, "no-journal")).isEqualTo(137);
            outcomes.add(k + ": " + readBack(file));
            if (!outcomes.get(outcomes.size() - 1).endsWith("whole")) {
                break; // one lost file is the point made
            }
        }
        System.out.printf("landscape4j crash mid-commit without the journal: %s%n", outcomes);
        assertThat(outcomes).as("cuts that left a file not whole").anyMatch(o -> !o.endsWith("whole"));
    }

    /** How many writes the commits of the next row and snapshot make, run to their end. */
    private int writesOfOneCommit() throws Exception {
        Path file = dir.resolve("count.db");
        Path out = dir.resolve("count.out");
        assertThat(run(file, Integer.MAX_VALUE, "journal", out)).isZero();
        String printed = Files.readString(out);
        return Integer.parseInt(printed.substring(printed.indexOf("writes ") + 7).trim());
    }

    /** Every write of the two commits. */
    private static List<Integer> cuts(int total) {
        return java.util.stream.IntStream.rangeClosed(1, total).boxed().toList();
    }

    private int crash(Path file, int k, String mode) throws Exception {
        return run(file, k, mode, dir.resolve(file.getFileName() + ".out"));
    }

    private static int run(Path file, int k, String mode, Path out) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), CrashingWriter.class.getName(),
                file.toString(), String.valueOf(k), mode).redirectErrorStream(true).redirectOutput(out.toFile())
                .start();
        try {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("child exited: %s", Files.readString(out)).isTrue();
        } finally {
            p.destroyForcibly().waitFor();
        }
        assertThat(Files.readString(out)).as("committed before the cut").contains("committed");
        return p.exitValue();
    }

    /** "whole" when the file opens and holds exactly the commits before the cut, else what went wrong. */
    private static String readBack(Path file) {
        try (LandscapeStore store = LandscapeStore.openExisting(file)) {
            int n = store.snapshotCount(RUN);
            long rows = store.scalars(RUN).size();
            // each cut commit is there whole or not at all, the row's before the snapshot's
            int before = CrashingWriter.SNAPSHOTS;
            if (n < before || n > before + 1 || rows < before || rows > before + 1 || n > rows) {
                return n + " snapshots, " + rows + " rows";
            }
            for (int i = 0; i < n; i++) {
                Snapshot s = store.snapshot(RUN, i).orElseThrow();
                double corner = s.surfaces().get(0).trainLoss()[CrashingWriter.GRID - 1][CrashingWriter.GRID - 1];
                if (s.index() != i || corner != i + 1e-3 * (CrashingWriter.GRID - 1) + 1e-7 * (CrashingWriter.GRID - 1)) {
                    return "snapshot " + i + " differs";
                }
            }
            return "whole";
        } catch (StoreException | IllegalStateException e) {
            return "not opened (" + e.getMessage().substring(0, Math.min(120, e.getMessage().length())) + ")";
        }
    }
}
