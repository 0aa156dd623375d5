package io.github.landscape4j.listener.internal;

import java.util.Locale;

/**
 * Internal: when snapshots are taken. {@code off}; {@code every:N} iterations; {@code epoch} (at each epoch end);
 * {@code budget:P%}: the scheduler measures what each snapshot costs and waits {@code cost·(100-P)/P} of training
 * time before the next one, so snapshots take about P% of wall time.
 */
public final class SnapshotSchedule {
    public enum Kind { OFF, EVERY, EPOCH, BUDGET }

    private final Kind kind;
    private final int every;
    private final double fraction;
    private long nextAllowedNanos;

    private SnapshotSchedule(Kind kind, int every, double fraction) {
        this.kind = kind;
        this.every = every;
        this.fraction = fraction;
    }

    /** Parses the option's value; null when it is not one of the allowed forms. */
    public static SnapshotSchedule parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (v.equals("off")) {
                return new SnapshotSchedule(Kind.OFF, 0, 0);
            }
            if (v.equals("epoch")) {
                return new SnapshotSchedule(Kind.EPOCH, 0, 0);
            }
            if (v.startsWith("every:")) {
                int n = Integer.parseInt(v.substring(6));
                return n >= 1 ? new SnapshotSchedule(Kind.EVERY, n, 0) : null;
            }
            if (v.startsWith("budget:") && v.endsWith("%")) {
                double p = Double.parseDouble(v.substring(7, v.length() - 1));
                return p > 0 && p <= 100 ? new SnapshotSchedule(Kind.BUDGET, 0, p / 100) : null;
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return null;
    }

    public Kind kind() {
        return kind;
    }

    /** Whether a snapshot is due after this iteration. */
    public boolean dueAtIteration(long iteration, long nowNanos) {
        return switch (kind) {
            case EVERY -> iteration % every == 0;
            case BUDGET -> nowNanos >= nextAllowedNanos;
            default -> false;
        };
    }

    public boolean dueAtEpochEnd() {
        return kind == Kind.EPOCH;
    }

    /** Records that a snapshot ending at {@code endNanos} took {@code costNanos}. */
    public void taken(long costNanos, long endNanos) {
        if (kind == Kind.BUDGET) {
            nextAllowedNanos = endNanos + (long) (costNanos * (1 - fraction) / fraction);
        }
    }
}
