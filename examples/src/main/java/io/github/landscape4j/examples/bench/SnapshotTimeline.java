package io.github.landscape4j.examples.bench;

import io.github.landscape4j.store.Checkpoint;
import io.github.landscape4j.store.LandscapeStore;
import io.github.landscape4j.store.RunInfo;
import io.github.landscape4j.store.ScalarSeries;
import io.github.landscape4j.store.Snapshot;

import java.nio.file.Path;
import java.util.List;

/**
 * A recorded run's snapshots against its training, read from a store that holds one run: when the first snapshot
 * was taken, how many were taken before the last iteration, and how long training ran. Times are milliseconds since
 * the run started (the {@code wallMillis} of {@link Snapshot} and {@link ScalarSeries}, one clock).
 *
 * @param snapshots               snapshots stored, the final one included
 * @param snapshotsDuringTraining snapshots taken before the run's last iteration
 * @param firstIteration          the first snapshot's iteration, or -1 when there is none
 * @param firstMillis             the first snapshot's time, or -1 when there is none
 * @param lastIteration           the run's last iteration (its final checkpoint's, else its last scalar row's), or -1
 * @param trainingMillis          the time of its last scalar row: how long training ran
 * @param snapshotMillis          what all its snapshots took (their {@code total} timings)
 * @param finalMillis             what the snapshot at the last iteration took, 0 when there is none
 * @param levels                  each snapshot's level, in order
 */
public record SnapshotTimeline(int snapshots, int snapshotsDuringTraining, long firstIteration, long firstMillis,
                               long lastIteration, long trainingMillis, double snapshotMillis, double finalMillis,
                               List<String> levels) {

    /**
     * Reads the one run of {@code store}.
     *
     * @throws IllegalStateException naming the store and its runs when it holds no run or several
     */
    public static SnapshotTimeline read(Path store) {
        try (LandscapeStore s = LandscapeStore.openExisting(store)) {
            List<RunInfo> runs = s.listRuns();
            if (runs.size() != 1) {
                throw new IllegalStateException("store " + store + " holds " + runs.size() + " runs, not one: "
                        + runs.stream().map(RunInfo::runId).toList());
            }
            String run = runs.get(0).runId();
            ScalarSeries scalars = s.scalars(run);
            List<Snapshot> snapshots = s.snapshots(run);
            int n = scalars.size();
            // the last iteration: the final checkpoint's (every=auto may record a row every few iterations only)
            long last = Math.max(n == 0 ? -1 : scalars.iteration()[n - 1], s.checkpoints(run).stream()
                    .filter(c -> c.kind() == Checkpoint.Kind.FINAL).mapToLong(Checkpoint::iteration).max()
                    .orElse(-1));
            long trainingMillis = n == 0 ? 0 : scalars.wallMillis()[n - 1];
            Snapshot first = snapshots.isEmpty() ? null : snapshots.get(0);
            return new SnapshotTimeline(snapshots.size(),
                    (int) snapshots.stream().filter(x -> x.iteration() < last).count(),
                    first == null ? -1 : first.iteration(), first == null ? -1 : first.wallMillis(), last,
                    trainingMillis, snapshots.stream().mapToDouble(SnapshotTimeline::total).sum(),
                    snapshots.stream().filter(x -> x.iteration() == last).mapToDouble(SnapshotTimeline::total).sum(),
                    snapshots.stream().map(Snapshot::level).toList());
        }
    }

    private static double total(Snapshot s) {
        return s.timingsMillis().getOrDefault("total", 0.0);
    }

    /** The levels as {@code glance x2, quick x3, ...} in order of first appearance. */
    public String levelCounts() {
        java.util.Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        levels.forEach(l -> counts.merge(l, 1, Integer::sum));
        return counts.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue())
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** The first snapshot's time as a fraction of the training time; NaN without a snapshot or training time. */
    public double firstFraction() {
        return firstMillis < 0 || trainingMillis <= 0 ? Double.NaN : (double) firstMillis / trainingMillis;
    }
}
