package io.github.landscape4j.spark;

import io.github.landscape4j.engine.shard.PlaneRows;
import io.github.landscape4j.engine.shard.PlaneShard;
import io.github.landscape4j.engine.shard.ShardEvaluator;
import io.github.landscape4j.engine.shard.ShardedSnapshot;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.broadcast.Broadcast;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.Predicate;

/**
 * The Spark task of one piece: borrows an evaluator of the broadcast plan from this executor's pool (made on first
 * use: rebuilding the network is a task's fixed cost, paid once per executor thread and plan), evaluates, returns it.
 * Only the latest plan's evaluators are kept.
 */
final class EvaluateShard implements Function<PlaneShard, PlaneRows> {
    private static final long serialVersionUID = 1L;

    /** Evaluators by broadcast id, on this executor. */
    private static final Map<Long, ConcurrentLinkedDeque<ShardEvaluator>> POOLS = new ConcurrentHashMap<>();

    /** Test hook: a piece it matches fails in its first attempt (Spark retries it). */
    static volatile Predicate<PlaneShard> failFirstAttempt = s -> false;

    private final Broadcast<ShardedSnapshot> job;

    EvaluateShard(Broadcast<ShardedSnapshot> job) {
        this.job = job;
    }

    @Override
    public PlaneRows call(PlaneShard shard) {
        TaskContext task = TaskContext.get();
        if (task != null && task.attemptNumber() == 0 && failFirstAttempt.test(shard)) {
            throw new IllegalStateException("landscape4j: injected failure of " + shard + " (test)");
        }
        ConcurrentLinkedDeque<ShardEvaluator> pool = POOLS.computeIfAbsent(job.id(), id -> {
            POOLS.keySet().removeIf(other -> other < id); // an older plan's evaluators: done with
            return new ConcurrentLinkedDeque<>();
        });
        ShardEvaluator e = pool.poll();
        if (e == null) {
            try {
                e = new ShardEvaluator(job.value());
            } catch (RuntimeException | LinkageError x) {
                throw new IllegalStateException("landscape4j: this executor cannot rebuild the "
                        + job.value().modelClass() + " from its configuration JSON (are its layer classes and an ND4J"
                        + " backend on the executors' class path?): " + x, x);
            }
        }
        try {
            return e.evaluate(shard);
        } finally {
            pool.push(e);
        }
    }
}
