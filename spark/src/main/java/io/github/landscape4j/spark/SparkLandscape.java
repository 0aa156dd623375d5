package io.github.landscape4j.spark;

import io.github.landscape4j.engine.LandscapeEngine;
import io.github.landscape4j.engine.SnapshotRequest;
import io.github.landscape4j.engine.shard.PlaneRows;
import io.github.landscape4j.engine.shard.PlaneShard;
import io.github.landscape4j.engine.shard.ShardedSnapshot;
import io.github.landscape4j.store.Snapshot;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

import java.util.List;
import java.util.Objects;

/**
 * A snapshot on Apache Spark: the engine plans it on the driver ({@link LandscapeEngine#plan}: the measures, slices
 * and directions), the planes' rows are Spark tasks over a broadcast of the plan, evaluated on the executors by the
 * engine's own fast path ({@link io.github.landscape4j.engine.shard.ShardEvaluator}, one per executor thread, kept
 * for the plan's tasks), and the driver assembles them: the snapshot equals the engine's own
 * {@code snapshot(request)} bit for bit. A failed task is retried by Spark ({@code spark.task.maxFailures}); a
 * piece computed twice counts once.
 */
public final class SparkLandscape {

    private SparkLandscape() {
    }

    /** Plans on the driver with {@code engine}, evaluates the planes on {@code sc}, assembles. */
    public static Snapshot snapshot(JavaSparkContext sc, LandscapeEngine engine, SnapshotRequest request) {
        return snapshot(sc, engine.plan(request), 0);
    }

    /**
     * Evaluates a plan's planes on {@code sc}, {@code rowsPerTask} rows a task ({@code 0}: about four tasks per
     * core of {@code sc}, so a slow executor does not hold up the end), and assembles the snapshot.
     *
     * @throws IllegalStateException naming the cause when the tasks fail past Spark's retries (e.g. an executor that
     *                               cannot rebuild the model)
     */
    public static Snapshot snapshot(JavaSparkContext sc, ShardedSnapshot plan, int rowsPerTask) {
        Objects.requireNonNull(sc, "sc");
        if (rowsPerTask < 0) {
            throw new IllegalArgumentException("rowsPerTask=" + rowsPerTask + ": must be >= 0 (0: chosen from the"
                    + " cores)");
        }
        if (plan.planes().isEmpty()) {
            return plan.assemble(List.of());
        }
        List<PlaneShard> shards = plan.shards(rowsPerTask > 0 ? rowsPerTask : plan.rowsPerShard(sc.defaultParallelism()));
        Broadcast<ShardedSnapshot> job = sc.broadcast(plan);
        try {
            List<PlaneRows> rows = sc.parallelize(shards, shards.size())
                    .map(new EvaluateShard(job))
                    .collect();
            return plan.assemble(rows);
        } catch (Exception e) { // Spark's SparkException is checked, thrown from Scala undeclared
            if (e instanceof SparkException || e.getClass().getName().startsWith("org.apache.spark")) {
                throw new IllegalStateException("landscape4j: the snapshot's Spark tasks failed on " + sc.master()
                        + " after Spark's retries: " + rootMessage(e), e);
            }
            throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
        } finally {
            job.destroy();
        }
    }

    private static String rootMessage(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.getClass().getName() : m.lines().findFirst().orElse(m);
    }
}
