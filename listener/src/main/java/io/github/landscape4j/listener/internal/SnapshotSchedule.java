package io.github.landscape4j.listener.internal;

import io.github.landscape4j.engine.SnapshotLevel;

import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Internal: when snapshots are taken. {@code off}; {@code every:N} iterations; {@code epoch} (at each epoch end);
 * {@code budget:P%}: snapshots, the first and the final one included, take at most P% of the program's wall time.
 *
 * <p>The budget rule: with {@code elapsed} the wall time since the first run of the JVM started and {@code spent}
 * the time every run's snapshots took (abandoned ones included), a snapshot may start when its expected cost
 * {@code c} keeps {@code spent + c <= P·(elapsed + c)}, i.e. {@code c <= limit = (P·elapsed - spent) / (1 - P)};
 * the taker abandons it as soon as it runs past {@link #limitNanos()} measured at its start. The budget is shared by
 * every run in the JVM, so several models trained together share one P%.
 *
 * <p>Levels ({@link SnapshotLevel}): the engine predicts what each level costs (from warm, timed evaluations and its
 * last snapshot) and takes the richest that fits the limit. A snapshot is due when the level one richer than the
 * last one taken fits (the cheapest, a glance, before the first; the full one, once full snapshots are taken) and a twentieth
 * of the run's time has passed since the last one, so a run gets a quick first snapshot early and refines as its
 * budget grows; or, when that does not fit, when one as rich as the last fits and a quarter of the run's time has
 * passed since the last snapshot. Levels never go down. Before
 * anything was measured, any room at all admits an attempt: the engine measures, then takes or gives up at once.
 */
public final class SnapshotSchedule {
    public enum Kind { OFF, EVERY, EPOCH, BUDGET }

    /** The program's wall time and the snapshot time spent in it; one per JVM (tests make their own). */
    public static final class Budget {
        private final LongSupplier clock;
        private boolean started;
        private long start;
        private long spent;

        /** A budget on {@code clock} (nanoseconds), started by the first schedule made on it. */
        public Budget(LongSupplier clock) {
            this.clock = clock;
        }

        synchronized void start() {
            if (!started) {
                started = true;
                start = clock.getAsLong();
            }
        }

        long now() {
            return clock.getAsLong();
        }

        synchronized long allowance(double fraction) {
            return (long) (fraction * (clock.getAsLong() - start)) - spent;
        }

        synchronized void spend(long nanos) {
            spent += Math.max(0, nanos);
        }
    }

    private static final Budget JVM = new Budget(System::nanoTime);

    private final Kind kind;
    private final int every;
    private final double fraction;
    private final Budget budget;
    /** Share of the run's time since the last snapshot after which a snapshot no richer than it is due. */
    static final double SPACING = 0.25;

    /** Share of the run's time since the last snapshot before even a richer one is due (not two in a row). */
    static final double MIN_GAP = 0.05;

    /** Predicted cost of each level by ordinal; 0 before anything was measured. */
    private final long[] costs = new long[SnapshotLevel.values().length];
    /** The level of the last snapshot taken; null before the first. */
    private SnapshotLevel last;
    private long lastEnd;
    private final long runStart;

    private SnapshotSchedule(Kind kind, int every, double fraction, Budget budget) {
        this.kind = kind;
        this.every = every;
        this.fraction = fraction;
        this.budget = budget;
        budget.start();
        this.runStart = budget.now();
    }

    /** Parses the option's value, on the JVM's budget; null when it is not one of the allowed forms. */
    public static SnapshotSchedule parse(String value) {
        return parse(value, JVM);
    }

    /** Parses the option's value on {@code budget}; null when it is not one of the allowed forms. */
    public static SnapshotSchedule parse(String value, Budget budget) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.equals("off")) {
                return new SnapshotSchedule(Kind.OFF, 0, 0, budget);
            }
            if (v.equals("epoch")) {
                return new SnapshotSchedule(Kind.EPOCH, 0, 0, budget);
            }
            if (v.startsWith("every:")) {
                int n = Integer.parseInt(v.substring(6));
                return n >= 1 ? new SnapshotSchedule(Kind.EVERY, n, 0, budget) : null;
            }
            if (v.startsWith("budget:") && v.endsWith("%")) {
                double p = Double.parseDouble(v.substring(7, v.length() - 1));
                return p > 0 && p <= 100 ? new SnapshotSchedule(Kind.BUDGET, 0, p / 100, budget) : null;
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }

    public Kind kind() {
        return kind;
    }

    /** The N of {@code every:N}; 0 for other kinds. */
    public int every() {
        return kind == Kind.EVERY ? every : 0;
    }

    /** The schedule's clock, in nanoseconds. */
    public long now() {
        return budget.now();
    }

    /** Whether a snapshot is due after this iteration. */
    public boolean dueAtIteration(long iteration) {
        return switch (kind) {
            case EVERY -> iteration % every == 0;
            case BUDGET -> affordable();
            default -> false;
        };
    }

    /**
     * Whether a snapshot is due at a step from iteration {@code after} to {@code iteration}: as
     * {@link #dueAtIteration} for consecutive ones; {@code every:N} across a multiple of N (steps made outside
     * {@code fit}, e.g. between dl4j-spark's averaging rounds, move the iteration count several at a time).
     */
    public boolean dueBetween(long after, long iteration) {
        return kind == Kind.EVERY ? Math.floorDiv(iteration, every) > Math.floorDiv(after, every)
                : dueAtIteration(iteration);
    }

    public boolean dueAtEpochEnd() {
        return kind == Kind.EPOCH;
    }

    /**
     * How long the final snapshot (at an explicit close, or at the end of {@code main} under the agent) may take when
     * choosing its level: {@code 0} (the full one) except for {@code budget}, where it is the budget's room or
     * {@code capNanos}, whichever is longer; it is taken whatever the budget, at a glance at least.
     */
    public long finalLevelNanos(long capNanos) {
        return kind == Kind.BUDGET ? Math.max(1, Math.max(limitNanos(), capNanos)) : 0;
    }

    /**
     * The longest a snapshot starting now may take; the taker abandons it past this. Unbounded except for
     * {@code budget}.
     */
    public long limitNanos() {
        if (kind != Kind.BUDGET) {
            return Long.MAX_VALUE;
        }
        if (fraction >= 1) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, (long) (budget.allowance(fraction) / (1 - fraction)));
    }

    /** Whether a budget snapshot is due now (see the class comment). */
    private boolean affordable() {
        long limit = limitNanos();
        if (limit <= 0) {
            return false;
        }
        long quickest = costs[SnapshotLevel.cheapest().ordinal()];
        if (quickest == 0) {
            return true; // nothing measured yet: the engine measures, then takes or gives up at once
        }
        if (quickest > limit) {
            return false;
        }
        SnapshotLevel want = last == null ? SnapshotLevel.cheapest() : last.richer();
        long now = budget.now();
        long since = now - lastEnd;
        if (costs[want.ordinal()] <= limit && (last == null || since >= MIN_GAP * (now - runStart))) {
            return true;
        }
        return costs[last.ordinal()] <= limit && since >= SPACING * (now - runStart);
    }

    /** The predicted cost of each level, by {@link SnapshotLevel} ordinal, after a snapshot was taken or tried. */
    public void costs(long[] predicted) {
        System.arraycopy(predicted, 0, costs, 0, costs.length);
    }

    /** Records a snapshot of {@code level} that was taken and took {@code costNanos}. */
    public void taken(long costNanos, SnapshotLevel level) {
        budget.spend(costNanos);
        last = level;
        lastEnd = budget.now();
    }

    /** Records a snapshot abandoned after {@code costNanos}: that time is spent too. */
    public void abandoned(long costNanos) {
        budget.spend(costNanos);
    }

    /**
     * What to say when this schedule ({@code text}, as the user wrote it) never fired in a run that ended at
     * {@code lastIteration}: {@code snapshot=epoch} in a loop that reported no epochs ({@code epochs} false),
     * {@code snapshot=every:N} in a run shorter than N iterations; empty when it fired ({@code fired}: a snapshot
     * was due at some point, e.g. every:N at iteration 0 once the probe was full) or could not have. When the run has
     * snapshots ({@code taken}: the final one, or ones taken with {@code snapshotNow}), it says so instead of "never
     * fired".
     */
    public java.util.Optional<String> neverFired(String text, long lastIteration, int lastEpoch, int taken,
                                                  boolean epochs, boolean fired) {
        if (fired) {
            return java.util.Optional.empty();
        }
        String reason;
        String advice;
        if (kind == Kind.EVERY && lastIteration < every) {
            reason = "the run ended at iteration " + lastIteration;
            advice = "choose a smaller N or snapshot=budget:P%";
        } else if (!epochs && kind == Kind.EPOCH) {
            reason = "the fit loop reported no epoch ends and DL4J's epoch counter stayed at " + lastEpoch;
            advice = "fit(DataSet) loops count no epochs: call model.incrementEpochCount() after each pass, or use"
                    + " snapshot=every:N or budget:P%";
        } else {
            return java.util.Optional.empty();
        }
        if (taken == 0) {
            return java.util.Optional.of("snapshot=" + text + " never fired: " + reason
                    + (kind == Kind.EVERY ? "; " + advice : " (" + advice + ")"));
        }
        return java.util.Optional.of("snapshot=" + text + " made none of this run's snapshots due: " + reason + "; its "
                + (taken == 1 ? "snapshot was" : taken + " snapshots were") + " taken outside the schedule (the final"
                + " one at close, or with snapshotNow); for snapshots during training: " + advice);
    }
}
