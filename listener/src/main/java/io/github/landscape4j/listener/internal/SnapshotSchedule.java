package io.github.landscape4j.listener.internal;

import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Internal: when snapshots are taken. {@code off}; {@code every:N} iterations; {@code epoch} (at each epoch end);
 * {@code budget:P%}: snapshots, the first and the final one included, take at most P% of the program's wall time.
 *
 * <p>The budget rule: with {@code elapsed} the wall time since the first run of the JVM started and {@code spent}
 * the time every run's snapshots took (abandoned ones included), a snapshot may start when its expected cost
 * {@code c} keeps {@code spent + c <= P·(elapsed + c)}, i.e. {@code c <= limit = (P·elapsed - spent) / (1 - P)};
 * the taker abandons it as soon as it runs past {@link #limitNanos()} measured at its start. The expected cost is
 * the last snapshot's (or, before the first, what its first part predicted). The budget is shared by every run in
 * the JVM, so several models trained together share one P%.
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
    /** What the next snapshot is expected to cost; 0 before anything was measured. */
    private long estimateNanos;

    private SnapshotSchedule(Kind kind, int every, double fraction, Budget budget) {
        this.kind = kind;
        this.every = every;
        this.fraction = fraction;
        this.budget = budget;
        budget.start();
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

    public boolean dueAtEpochEnd() {
        return kind == Kind.EPOCH;
    }

    /** Whether the final snapshot (when training ends by an explicit close) may be taken now. */
    public boolean finalDue() {
        return switch (kind) {
            case OFF -> false;
            case BUDGET -> affordable();
            default -> true;
        };
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

    /** Whether a snapshot's expected cost fits the budget now (before anything was measured: any room at all). */
    private boolean affordable() {
        long limit = limitNanos();
        return estimateNanos == 0 ? limit > 0 : estimateNanos <= limit;
    }

    /** Records a snapshot that was taken and took {@code costNanos}. */
    public void taken(long costNanos) {
        budget.spend(costNanos);
        estimateNanos = Math.max(1, costNanos);
    }

    /**
     * Records a snapshot abandoned after {@code costNanos} (that time is spent too), whose whole cost was predicted
     * to be {@code predictedNanos} (0 when unknown): the next one waits until that much fits.
     */
    public void abandoned(long costNanos, long predictedNanos) {
        budget.spend(costNanos);
        estimateNanos = Math.max(estimateNanos, Math.max(predictedNanos, costNanos + 1));
    }

    /**
     * What to say when this schedule ({@code text}, as the user wrote it) never fired in a run that ended at
     * {@code lastIteration}: {@code snapshot=epoch} in a loop that reported no epochs ({@code epochs} false),
     * {@code snapshot=every:N} in a run shorter than N iterations; empty when it fired ({@code fired}: a snapshot
     * was due at some point, e.g. every:N at iteration 0 once the probe was full) or could not have.
     */
    public java.util.Optional<String> neverFired(String text, long lastIteration, int lastEpoch, int taken,
                                                  boolean epochs, boolean fired) {
        if (fired) {
            return java.util.Optional.empty();
        }
        if (kind == Kind.EVERY && lastIteration < every) {
            return java.util.Optional.of("snapshot=" + text + " never fired: the run ended at iteration "
                    + lastIteration + (taken > 0 ? " (its final snapshot was taken at close)"
                    : "; choose a smaller N or snapshot=budget:P%"));
        }
        if (!epochs && kind == Kind.EPOCH) {
            return java.util.Optional.of("snapshot=epoch never fired: the fit loop reported no epoch ends and DL4J's"
                    + " epoch counter stayed at " + lastEpoch + " (fit(DataSet) loops count no epochs: call"
                    + " model.incrementEpochCount() after each pass, or use snapshot=every:N or budget:P%)");
        }
        return java.util.Optional.empty();
    }
}
