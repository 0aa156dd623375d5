package io.github.landscape4j.listener.internal;

import io.github.landscape4j.listener.LandscapeConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * Internal: which iterations get a scalar row. Fixed ({@code every=N}: every N-th), or {@code every=auto}: every
 * iteration while a row costs the training thread under {@link #TARGET} of the wall time between iterations, else
 * every 2nd, 4th, ... iteration (back down when it costs under a quarter of that). A row is three BLAS dots over
 * the parameters and the gradient buffer (73-98 µs inside training for the 80k parameters of {@code bench.sh
 * overhead}, as the arrays come from memory): 3-4% of that MLP's 2.5 ms step, so it gets a row every 16th or 32nd
 * iteration; a model whose step takes about 30 ms or more gets every iteration. Measured over windows of {@link
 * #WINDOW} iterations, as medians (the wall time between iterations has a long tail on a busy machine: the mean can be
 * twice the median). The interval changes between rows only, so a row's gradient and update norms come from the same
 * iteration.
 */
final class Cadence {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");
    /** Share of the wall time between iterations a row may take in {@code every=auto}. */
    static final double TARGET = 0.0025;
    /** Iterations over which cost and step time are taken before the interval may change. */
    static final int WINDOW = 64;
    /** Largest interval {@code every=auto} goes to. */
    static final int MAX_INTERVAL = 64;

    private final boolean auto;
    private final String runId;
    private int interval;
    private long lastStepEnd;
    private final long[] steps = new long[WINDOW];
    private int stepCount;
    private final long[] rowCosts = new long[WINDOW];
    private int rowCount;
    /** Cost of the row being made (its gradient part, then its iterationDone part). */
    private long rowCost;
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

    /** Time the training thread spent on the current row; {@code done}: the row is finished. */
    void spent(long nanos, boolean done) {
        rowCost += nanos;
        if (done) {
            if (auto && rowCount < WINDOW) {
                rowCosts[rowCount++] = rowCost;
            }
            rowCost = 0;
        }
    }

    /** At each {@code iterationDone}, before its row: the step's wall time since the last one. */
    void stepEnded(long now) {
        if (!auto) {
            return;
        }
        if (lastStepEnd != 0 && stepCount < WINDOW) {
            steps[stepCount++] = now - lastStepEnd;
        }
        lastStepEnd = now;
        if (stepCount < WINDOW || rowCount < Math.min(8, WINDOW / interval)) {
            return;
        }
        double step = median(steps, stepCount);
        double row = median(rowCosts, rowCount);
        double share = row / interval / step;
        int before = interval;
        if (share > TARGET && interval < MAX_INTERVAL) {
            interval *= 2;
        } else if (share < TARGET / 4 && interval > 1) {
            interval /= 2;
        }
        if (interval > 1 && !said) {
            said = true;
            LOG.info(String.format(Locale.ROOT, "landscape4j: run %s: a scalar row took %.1f%% of a training step"
                    + " (%.0f µs of %.2f ms, medians): scalars are recorded every %d iterations, keeping recording"
                    + " under %.2f%% (every=auto; every=1 records each iteration; said once per run)", runId,
                    100 * share * before, row / 1e3, step / 1e6, interval, 100 * TARGET));
        }
        stepCount = 0;
        rowCount = 0;
    }

    private static double median(long[] v, int n) {
        long[] s = java.util.Arrays.copyOf(v, n);
        java.util.Arrays.sort(s);
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2.0;
    }
}
