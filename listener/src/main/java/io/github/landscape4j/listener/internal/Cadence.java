package io.github.landscape4j.listener.internal;

import io.github.landscape4j.listener.LandscapeConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * Internal: which iterations get a scalar row. Fixed ({@code every=N}: every N-th), or {@code every=auto}: every
 * iteration while the row costs the training thread under {@link #TARGET} of the training step's wall time, else
 * every 2nd, 4th, ... iteration (back down when it costs under a quarter of that). On a network whose step is a few
 * milliseconds (the 80k-parameter MLP of {@code bench.sh overhead}: 4 ms) the norms' three BLAS dots over the
 * parameters and the gradient buffer alone take ~1.5% of the step, as their arrays come from memory; on a model whose
 * step takes tens of milliseconds every iteration is recorded. Measured over windows of {@link #WINDOW} iterations:
 * the wall time between two {@code iterationDone} calls, and the time spent computing rows in them. The interval
 * changes between rows only, so a row's gradient and update norms come from the same iteration.
 */
final class Cadence {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");
    /** Share of the training step recording may take in {@code every=auto}. */
    static final double TARGET = 0.01;
    /** Iterations over which cost and step time are summed before the interval may change. */
    static final int WINDOW = 64;
    /** Largest interval {@code every=auto} goes to. */
    static final int MAX_INTERVAL = 64;

    private final boolean auto;
    private final String runId;
    private int interval;
    private long lastStepEnd;
    private long windowSteps;
    private long windowStepNanos;
    private long windowCostNanos;
    private boolean said;

    Cadence(int every, String runId) {
        this.auto = every == LandscapeConfig.AUTO;
        this.interval = auto ? 1 : every;
        this.runId = runId;
    }

    boolean due(long iteration) {
        return iteration % interval == 0;
    }

    int interval() {
        return interval;
    }

    /** Time the training thread spent on rows. */
    void spent(long nanos) {
        windowCostNanos += nanos;
    }

    /** At each {@code iterationDone}, before its row: the step's wall time since the last one. */
    void stepEnded(long now) {
        if (!auto) {
            return;
        }
        if (lastStepEnd != 0) {
            windowStepNanos += now - lastStepEnd;
            windowSteps++;
        }
        lastStepEnd = now;
        if (windowSteps < WINDOW || windowSteps % interval != 0) {
            return;
        }
        double share = (double) windowCostNanos / windowStepNanos;
        int before = interval;
        if (share > TARGET && interval < MAX_INTERVAL) {
            interval *= 2;
        } else if (share < TARGET / 4 && interval > 1) {
            interval /= 2;
        }
        if (interval > 1 && !said) {
            said = true;
            LOG.info(String.format(Locale.ROOT, "landscape4j: run %s: a scalar row took %.1f%% of a training step"
                    + " (%.0f µs of %.2f ms): scalars are recorded every %d iterations, keeping recording under %.0f%%"
                    + " (every=auto; every=1 records each iteration; said once per run)", runId, 100 * share * before,
                    windowCostNanos / 1e3 / Math.max(1, windowSteps / before), windowStepNanos / 1e6 / windowSteps,
                    interval, 100 * TARGET));
        }
        windowSteps = 0;
        windowStepNanos = 0;
        windowCostNanos = 0;
    }
}
