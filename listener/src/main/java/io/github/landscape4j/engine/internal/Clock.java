package io.github.landscape4j.engine.internal;

import io.github.landscape4j.engine.SnapshotAbandoned;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Internal: a snapshot's part timings, kept in order; past its limit or once cancelled, the snapshot is abandoned.
 * Whether a snapshot can fit at all is predicted before its parts start (the engine's calibration), not from its
 * first part: a run's first evaluation is cold and predicted the whole 20-120x too long.
 */
public final class Clock {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");
    private static final long PROGRESS_AFTER_NANOS = 5_000_000_000L;

    private final long start = System.nanoTime();
    private long last = start;
    private final Map<String, Double> millis = new LinkedHashMap<>();
    private final String run;
    private final long limitNanos;
    private final BooleanSupplier cancelled;

    public Clock(String run, long limitNanos, BooleanSupplier cancelled) {
        this.run = run;
        this.limitNanos = limitNanos;
        this.cancelled = cancelled;
    }

    /**
     * Within a part (after each row of a plane): abandons the snapshot once it is cancelled or has run past its
     * limit, so an exit or the budget does not wait for the rest of a plane.
     */
    public void check() {
        long cost = System.nanoTime() - start;
        if (cancelled.getAsBoolean()) {
            throw new SnapshotAbandoned("its run ended", cost, 0);
        }
        if (cost > limitNanos) {
            throw over(cost, 0);
        }
    }

    /** Nanoseconds since the snapshot started. */
    public long elapsedNanos() {
        return System.nanoTime() - start;
    }

    /**
     * Ends set-up part {@code part}: its time is kept, nothing is checked (the level choice that follows checks the
     * limit against the whole predicted cost, which says more than "over the limit" would).
     */
    public void setUp(String part) {
        long now = System.nanoTime();
        millis.merge(part, (now - last) / 1e6, Double::sum);
        last = now;
    }

    /** Ends part {@code part}: its time is kept; past the limit or once cancelled, the snapshot is abandoned. */
    public void lap(String part) {
        setUp(part);
        long cost = last - start;
        if (cancelled.getAsBoolean()) {
            throw new SnapshotAbandoned("its run ended", cost, 0);
        }
        if (cost > limitNanos) {
            throw over(cost, 0);
        }
        if (cost > PROGRESS_AFTER_NANOS) {
            LOG.info("landscape4j: snapshot of {}: {} took {} ms ({} s so far)", run, part,
                    String.format(Locale.ROOT, "%.0f", millis.get(part)),
                    String.format(Locale.ROOT, "%.1f", cost / 1e9));
        }
    }

    /** The timings by part, with {@code total}. */
    public Map<String, Double> finish() {
        millis.put("total", (System.nanoTime() - start) / 1e6);
        return millis;
    }

    private SnapshotAbandoned over(long cost, long predicted) {
        return new SnapshotAbandoned("it would take more than its share of the time budget ("
                + String.format(Locale.ROOT, "%.1f s", limitNanos / 1e9) + " now)", cost, predicted);
    }
}
