package io.github.landscape4j.listener.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Internal: the listener's boundary. The first fault is logged once with its context and trips the guard; from
 * then on recording is off and training goes on untouched.
 */
public final class FaultGuard {
    private static final Logger LOG = LoggerFactory.getLogger("io.github.landscape4j");

    private final String run;
    private final String what;
    private final AtomicBoolean tripped = new AtomicBoolean();

    public FaultGuard(String run) {
        this(run, "recording");
    }

    /** {@code what} names what stops on a fault, e.g. {@code recording} or {@code snapshots}. */
    public FaultGuard(String run, String what) {
        this.run = run;
        this.what = what;
    }

    /** Work done under the guard. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    /** Runs {@code action} unless the guard has tripped; a fault trips it. */
    public void run(String where, Action action) {
        run(() -> where, action);
    }

    /**
     * As {@link #run(String, Action)}, with the context made only on a fault: callbacks on every training
     * iteration need not build a message they almost never use.
     */
    public void run(java.util.function.Supplier<String> where, Action action) {
        if (tripped.get()) {
            return;
        }
        try {
            action.run();
        } catch (Throwable t) {
            if (t instanceof InterruptedException) {
                Thread.currentThread().interrupt(); // keep the training thread's interrupt for its owner
            }
            trip(where.get(), t);
        }
    }

    /** Trips the guard: logs the fault once and stops recording. */
    public void trip(String where, Throwable t) {
        if (tripped.compareAndSet(false, true)) {
            LOG.warn("landscape4j: {} of run {} stopped after a fault in {}; training goes on without it",
                    what, run, where, t);
        }
    }

    /**
     * Trips the guard with one line and no stack trace, for an end that is no fault (e.g. a run begun while the JVM
     * exits, whose store is closed under it).
     */
    public void stop(String why) {
        if (tripped.compareAndSet(false, true)) {
            LOG.info("landscape4j: {} of run {} stopped: {}", what, run, why);
        }
    }

    /** Trips the guard with one warning line and no stack trace, for a fault whose message says it all. */
    public void stopWarning(String why) {
        if (tripped.compareAndSet(false, true)) {
            LOG.warn("landscape4j: {} of run {} stopped: {}; training goes on without it", what, run, why);
        }
    }

    public boolean tripped() {
        return tripped.get();
    }
}
